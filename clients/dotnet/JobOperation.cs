namespace ComputeFunctions.Client;

/// <summary>
/// A handle on a submitted job, in the manner of the Azure SDK's <c>Operation</c>: the job as last seen, and the calls
/// that move it on (<see cref="WaitForCompletionAsync"/>, <see cref="UpdateStatusAsync"/>, <see cref="CancelAsync"/>,
/// <see cref="OpenResultAsync"/>). Not thread-safe: each call replaces <see cref="Job"/>.
/// </summary>
public class JobOperation
{
    private readonly JobsClient _client;

    internal JobOperation(JobsClient client, Job job, string? idempotencyKey)
    {
        _client = client;
        Job = job;
        IdempotencyKey = idempotencyKey;
    }

    /// <summary>The job's id.</summary>
    public string Id => Job.Id;

    /// <summary>The job as last seen.</summary>
    public Job Job { get; private set; }

    /// <summary>The <c>Idempotency-Key</c> the job was submitted with: submitting the same input with it again returns this job.</summary>
    public string? IdempotencyKey { get; }

    /// <summary>True once the job as last seen has finished (succeeded, failed or canceled).</summary>
    public bool HasCompleted => Job.Status.IsFinished;

    /// <summary>Reads the job once (no waiting) and returns it.</summary>
    public async Task<Job> UpdateStatusAsync(CancellationToken cancellationToken = default) =>
        Job = await _client.GetAsync(Id, cancellationToken).ConfigureAwait(false);

    /// <summary>Waits until the job finishes, as <see cref="JobsClient.WaitForCompletionAsync"/>; returns at once when it has.</summary>
    public async Task<Job> WaitForCompletionAsync(TimeSpan? timeout = null, IProgress<Job>? progress = null, CancellationToken cancellationToken = default)
    {
        if (HasCompleted) return Job;
        var tracking = new Tracking(this, progress);
        return Job = await _client.WaitForCompletionAsync(Id, timeout, tracking, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cancels the job, as <see cref="JobsClient.CancelAsync"/>.</summary>
    public async Task<Job> CancelAsync(CancellationToken cancellationToken = default) =>
        Job = await _client.CancelAsync(Id, cancellationToken).ConfigureAwait(false);

    /// <summary>Streams the job's stored result, as <see cref="JobsClient.OpenResultAsync"/>.</summary>
    public Task<JobContent> OpenResultAsync(CancellationToken cancellationToken = default) => _client.OpenResultAsync(Id, cancellationToken);

    /// <summary>Keeps <see cref="Job"/> current while a wait reports progress.</summary>
    private sealed class Tracking(JobOperation operation, IProgress<Job>? inner) : IProgress<Job>
    {
        public void Report(Job value)
        {
            operation.Job = value;
            inner?.Report(value);
        }
    }
}

/// <summary>A handle on a job of a kind the client knows, whose result reads as <typeparamref name="TResult"/>.</summary>
/// <typeparam name="TResult">The kind's result, such as <see cref="PrimesResult"/>.</typeparam>
public sealed class JobOperation<TResult> : JobOperation
{
    internal JobOperation(JobsClient client, Job job, string? idempotencyKey)
        : base(client, job, idempotencyKey)
    {
    }

    /// <summary>True once the job has succeeded with a result.</summary>
    public bool HasValue => Job.Status == JobStatus.Succeeded && Job.Result is { ValueKind: not System.Text.Json.JsonValueKind.Null };

    /// <summary>The job's result.</summary>
    /// <exception cref="InvalidOperationException">The job has not finished (wait for it first), or succeeded without a result.</exception>
    /// <exception cref="JobFailedException">The job failed or was canceled.</exception>
    public TResult Value
    {
        get
        {
            if (!HasCompleted) throw new InvalidOperationException($"Job {Id} is {Job.Status}; wait for it to finish first.");
            if (Job.Status != JobStatus.Succeeded) throw new JobFailedException(Job);
            return Job.GetResult<TResult>() ?? throw new InvalidOperationException($"Job {Id} succeeded without a result.");
        }
    }
}
