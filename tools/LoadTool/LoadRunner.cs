using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ComputeFunctions.Client;

namespace LoadTool;

/// <summary>
/// Submits <see cref="LoadOptions.Jobs"/> jobs with at most <see cref="LoadOptions.Concurrency"/> in flight, each followed
/// from its submit to its final status by long-polling, and tallies what it saw. It speaks to the app through
/// <see cref="JobsClient"/>, so it sends only to the origin of the base URL, and counts every failed attempt the client
/// retries as well as the ones it gives up on.
/// </summary>
public sealed class LoadRunner
{
    private static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly string Queued = JobStatus.Queued.ToString();

    private readonly LoadOptions options;
    private readonly JobsClient submitter;
    private readonly JobsClient poller;
    private readonly LoadTally tally;
    private readonly TimeProvider time;
    private readonly ConcurrentDictionary<string, long> lastSubmitAttempt = new();
    private readonly ConcurrentDictionary<string, long> firstSubmitAttempt = new();

    public LoadRunner(HttpClient http, LoadOptions options, TimeProvider? time = null)
    {
        if (!options.BaseUrl.IsAbsoluteUri || options.BaseUrl.Scheme is not ("http" or "https"))
            throw new ArgumentException($"The base URL must be an absolute http or https URL, not '{options.BaseUrl}'.", nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Jobs, nameof(options.Jobs));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Jobs, LoadOptions.MaxJobs, nameof(options.Jobs));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Concurrency, nameof(options.Concurrency));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Concurrency, LoadOptions.MaxConcurrency, nameof(options.Concurrency));
        ArgumentOutOfRangeException.ThrowIfNegative(options.WaitSeconds, nameof(options.WaitSeconds));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.RunTimeout, TimeSpan.Zero, nameof(options.Timeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.EffectiveRequestTimeout, TimeSpan.Zero, nameof(options.RequestTimeout));

        this.options = options;
        this.time = time ?? TimeProvider.System;
        tally = new LoadTally(options.Jobs);
        // Submits are retried only under --retry-busy, then until accepted or the run ends; the Idempotency-Key the
        // client sends makes every retry return the same job. Status requests are retried until the run ends.
        submitter = new JobsClient(options.BaseUrl, options.FunctionKey, http, ClientOptions(options.RetryBusy ? int.MaxValue : 0));
        poller = new JobsClient(options.BaseUrl, options.FunctionKey, http, ClientOptions(int.MaxValue));
    }

    public LoadProgress Progress => tally.Progress();

    /// <summary>Runs until every job is settled or the run timeout (or <paramref name="cancellationToken"/>) stops it; either way returns the report.</summary>
    public async Task<LoadReport> RunAsync(CancellationToken cancellationToken)
    {
        using var runTimeout = new CancellationTokenSource(options.RunTimeout, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, runTimeout.Token);
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, options.Jobs),
            new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency },
            async (_, _) => await RunJobAsync(stop.Token));
        return tally.Report(Stopwatch.GetElapsedTime(started));
    }

    private JobsClientOptions ClientOptions(int retries)
    {
        var client = new JobsClientOptions
        {
            NetworkTimeout = options.EffectiveRequestTimeout,
            LongPollWait = TimeSpan.FromSeconds(options.WaitSeconds),
            PollInterval = DefaultRetryDelay,
        };
        client.Retry.MaxRetries = retries;
        client.Retry.Delay = DefaultRetryDelay;
        client.Retry.MaxDelay = DefaultRetryDelay;
        client.Retry.OnRetry = Retried;
        return client;
    }

    private async Task RunJobAsync(CancellationToken stop)
    {
        if (stop.IsCancellationRequested)
        {
            tally.NotSubmitted();
            return;
        }

        var submitStarted = Stopwatch.GetTimestamp();
        tally.Submitted();
        if (await SubmitAsync(submitStarted, stop) is { } operation) await FollowAsync(operation, submitStarted, stop);
    }

    /// <summary>Submits the job (retried under --retry-busy); returns it once accepted, or null when it was not.</summary>
    private async Task<JobOperation?> SubmitAsync(long submitStarted, CancellationToken stop)
    {
        // The tool's own key tells this submit's retries from the others', for its latency.
        var key = Guid.NewGuid().ToString("N");
        firstSubmitAttempt[key] = submitStarted;
        try
        {
            var operation = await submitter.SubmitAsync(options.Kind, options.Input, key, stop);
            tally.Accepted(SubmitLatency(key, submitStarted), firstTry: FirstAnswer(key));
            return operation;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            tally.Error(ErrorKinds.Deadline, "the run ended before the job was accepted");
            tally.Rejected();
        }
        catch (JobsApiException e) when (e.Status is >= 200 and < 300)
        {
            // Accepted, but with an answer that does not say which job: it cannot be followed.
            tally.Accepted(SubmitLatency(key, submitStarted), firstTry: FirstAnswer(key));
            tally.Error(ErrorKinds.BadResponse, Describe(HttpMethod.Post, "/api/jobs", e));
            tally.Lost(Queued);
        }
        catch (Exception e) when (Classify(e) is { } kind)
        {
            tally.Error(kind, Describe(HttpMethod.Post, "/api/jobs", e));
            tally.Rejected();
        }
        finally
        {
            FirstAnswer(key);
            lastSubmitAttempt.TryRemove(key, out _);
        }

        return null;
    }

    /// <summary>Long-polls an accepted job to its final status; a refusal retrying cannot mend (404, another 4xx) loses it.</summary>
    private async Task FollowAsync(JobOperation operation, long submitStarted, CancellationToken stop)
    {
        var lastPending = Queued;
        var observer = new PendingObserver(status =>
        {
            tally.Moved(lastPending, status);
            lastPending = status;
        });
        try
        {
            var job = operation.HasCompleted ? operation.Job : await poller.WaitForCompletionAsync(operation.Id, progress: observer, cancellationToken: stop);
            if (job.Status == JobStatus.Succeeded && job.Result is not { ValueKind: not JsonValueKind.Null })
                tally.Error(ErrorKinds.ResultMissing, $"job {job.Id} succeeded without a result");
            tally.Completed(lastPending, job.Status.ToString(), job.Error?.Code, Stopwatch.GetElapsedTime(submitStarted));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            tally.Lost(lastPending);
        }
        catch (Exception e) when (Classify(e) is { } kind)
        {
            tally.Error(kind, Describe(HttpMethod.Get, $"/api/jobs/{operation.Id}", e));
            tally.Lost(lastPending);
        }
    }

    /// <summary>Records the time to a submit's first answer, once; true when this is that first answer.</summary>
    private bool FirstAnswer(string key)
    {
        if (!firstSubmitAttempt.TryRemove(key, out var started)) return false;
        tally.FirstAnswer(Stopwatch.GetElapsedTime(started));
        return true;
    }

    /// <summary>The accepted POST's own round trip: from the start of the last attempt, so busy retries are not in it.</summary>
    private TimeSpan SubmitLatency(string key, long firstAttempt)
    {
        var started = lastSubmitAttempt.TryGetValue(key, out var last) ? last : firstAttempt;
        var latency = Stopwatch.GetElapsedTime(started);
        return latency > TimeSpan.Zero ? latency : TimeSpan.Zero;
    }

    /// <summary>A failed attempt the client retries: a busy submit under --retry-busy is counted apart, anything else is an error.</summary>
    private void Retried(JobsRetry retry)
    {
        if (retry.IdempotencyKey is { } key)
        {
            FirstAnswer(key);
            lastSubmitAttempt[key] = Stopwatch.GetTimestamp() + (long)(retry.Delay.TotalSeconds * Stopwatch.Frequency);
        }

        if (retry.Method == HttpMethod.Post && options.RetryBusy && retry.Failure is JobsApiException { Status: 503 or 429 } busy && !IsInDoubt(busy))
            tally.BusyRetry(busy.Status.ToString(CultureInfo.InvariantCulture));
        else if (Classify(retry.Failure) is { } kind)
            tally.Error(kind, Describe(retry.Method, retry.RequestUri.AbsolutePath, retry.Failure));
    }

    /// <summary>A refusal that does not say whether the job was kept ("Job may exist", with its id): never a clean one.</summary>
    private static bool IsInDoubt(JobsApiException answer) => answer.Status == 503 && answer.Extensions.ContainsKey("jobId");

    private static string? Classify(Exception error) => error switch
    {
        JobsApiException answer when IsInDoubt(answer) => ErrorKinds.InDoubt,
        JobsApiException { Status: >= 200 and < 300 } => ErrorKinds.BadResponse,
        JobsApiException answer => answer.Status.ToString(CultureInfo.InvariantCulture),
        TimeoutException => ErrorKinds.Timeout,
        HttpRequestException => ErrorKinds.Connection,
        _ => null,
    };

    private static string Describe(HttpMethod method, string path, Exception error) => error switch
    {
        JobsApiException answer => $"{method} {path}: {answer.Status} {answer.Detail ?? answer.Title}",
        HttpRequestException connection => $"{method} {path}: {connection.HttpRequestError}: {connection.Message}",
        _ => error.Message,
    };

    /// <summary>Reports the known pending states as they change, at once (not through a synchronization context as Progress&lt;T&gt; would).</summary>
    private sealed class PendingObserver(Action<string> moved) : IProgress<Job>
    {
        public void Report(Job value)
        {
            if (value.Status == JobStatus.Queued || value.Status == JobStatus.Running) moved(value.Status.ToString());
        }
    }
}
