using System.Globalization;
using Functions.Compute;
using Functions.Http;
using Functions.Jobs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Functions;

/// <summary>The HTTP face: accepts jobs and answers about them. Every handler only awaits I/O.</summary>
public sealed class HelloFunction(JobService jobs, IJobStore store, ComputeKinds kinds, IOptions<JobOptions> options, ILogger<HelloFunction> logger)
{
    private const int MaxNameLength = 100;

    [Function(nameof(Hello))]
    public IActionResult Hello([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "hello")] HttpRequest request)
    {
        var name = request.Query["name"].ToString();
        if (name.Length > MaxNameLength)
            return JsonAnswer.Problem(StatusCodes.Status400BadRequest, "Invalid name", $"'name' must be at most {MaxNameLength} characters.", "name");
        return new ContentAnswer(BinaryData.FromString($"Hello, {(name.Length == 0 ? "world" : name)}!"), "text/plain; charset=utf-8");
    }

    [Function(nameof(ListKinds))]
    public IActionResult ListKinds([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "kinds")] HttpRequest request) =>
        new JsonAnswer(StatusCodes.Status200OK, kinds.All.Select(k => k.Description).OrderBy(d => d.Name, StringComparer.Ordinal).ToList());

    [Function(nameof(SubmitJob))]
    public Task<IActionResult> SubmitJob(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "jobs")] HttpRequest request, CancellationToken cancellationToken) =>
        WithStorageAsync(async () =>
        {
            try
            {
                var wait = JobRequestReader.ReadWait(request, options.Value.MaxWaitSeconds);
                if (!JobRequestReader.IsJsonOrUnspecified(request))
                    return JsonAnswer.Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type", "Send the job as application/json.", "Content-Type");
                if (await JobRequestReader.ReadBodyAsync(request, options.Value.MaxBodyBytes, cancellationToken) is not { } body)
                    return JsonAnswer.Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"A job request must be at most {options.Value.MaxBodyBytes} bytes.", "body");

                var job = await jobs.SubmitAsync(JobRequest.Parse(body), JobRequestReader.ReadIdempotencyKey(request), cancellationToken);
                if (wait > TimeSpan.Zero) job = await WaitAfterAcceptingAsync(job, wait, cancellationToken);
                return Status(job).WithHeader("Location", JobView.StatusPath(job.Job.Id));
            }
            catch (InvalidInputException e)
            {
                return JsonAnswer.Problem(StatusCodes.Status400BadRequest, "Invalid job request", e.Message, e.Field);
            }
            catch (IdempotencyKeyReusedException e)
            {
                return JsonAnswer.Problem(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused", e.Message, JobRequestReader.IdempotencyKeyHeader);
            }
            catch (QueueUnavailableException e)
            {
                return JsonAnswer.Problem(StatusCodes.Status503ServiceUnavailable, "Queue unavailable", e.Message).WithHeader("Retry-After", RetryAfter);
            }
        });

    [Function(nameof(ListJobs))]
    public Task<IActionResult> ListJobs(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "jobs")] HttpRequest request, CancellationToken cancellationToken) =>
        WithStorageAsync(async () =>
        {
            try
            {
                var query = JobListQuery.Read(request);
                var page = await jobs.ListAsync(query.Status, query.Top, query.Continuation, cancellationToken);
                return new JsonAnswer(StatusCodes.Status200OK, JobList.From(page, query));
            }
            catch (InvalidInputException e)
            {
                return JsonAnswer.Problem(StatusCodes.Status400BadRequest, "Invalid query", e.Message, e.Field);
            }
        });

    [Function(nameof(GetJob))]
    public Task<IActionResult> GetJob(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "jobs/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        WithStorageAsync(async () =>
        {
            TimeSpan wait;
            try
            {
                wait = JobRequestReader.ReadWait(request, options.Value.MaxWaitSeconds);
            }
            catch (InvalidInputException e)
            {
                return JsonAnswer.Problem(StatusCodes.Status400BadRequest, "Invalid query", e.Message, e.Field);
            }

            var job = await jobs.WaitAsync(id, wait, cancellationToken);
            return job is null ? JsonAnswer.NotFound(id) : Status(job);
        });

    [Function(nameof(GetJobResult))]
    public Task<IActionResult> GetJobResult(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "jobs/{id}/result")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        WithStorageAsync(async () =>
        {
            if (await jobs.GetAsync(id, cancellationToken) is not { } snapshot) return JsonAnswer.NotFound(id);
            var job = snapshot.Job;
            if (!job.Status.IsFinished()) return Status(snapshot);
            if (job.Status != JobStatus.Succeeded)
                return JsonAnswer.Problem(StatusCodes.Status409Conflict, "No result", $"The job is {JobStatusName(job.Status)} and has no result.", "id");
            if (job.ResultBlob is null) return new JsonAnswer(StatusCodes.Status200OK, JobView.From(snapshot).Result);
            var content = await store.ReadResultAsync(job.ResultBlob, cancellationToken);
            return content is null ? JsonAnswer.NotFound(id) : new ContentAnswer(content, job.ResultContentType ?? "application/octet-stream");
        });

    [Function(nameof(CancelJob))]
    public Task<IActionResult> CancelJob(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "jobs/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        WithStorageAsync(async () =>
        {
            if (await jobs.CancelAsync(id, cancellationToken) is not { } job) return JsonAnswer.NotFound(id);
            if (job.Job.Status == JobStatus.Canceled) return new JsonAnswer(StatusCodes.Status200OK, JobView.From(job));
            return JsonAnswer.Problem(StatusCodes.Status409Conflict, "Job already finished", $"The job is {JobStatusName(job.Job.Status)}; only a queued or running job can be canceled.", "id");
        });

    private JsonAnswer Status(JobSnapshot job)
    {
        var view = JobView.From(job);
        return view.Status.IsFinished()
            ? new JsonAnswer(StatusCodes.Status200OK, view)
            : new JsonAnswer(StatusCodes.Status202Accepted, view).WithHeader("Retry-After", RetryAfter);
    }

    /// <summary>The job is accepted already: storage failing during the wait answers 202 with it, so it is not submitted twice.</summary>
    private async Task<JobSnapshot> WaitAfterAcceptingAsync(JobSnapshot job, TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            return await jobs.WaitAsync(job.Job.Id, wait, cancellationToken) ?? job;
        }
        catch (Exception e) when (StorageFailure.Is(e))
        {
            HttpLog.StorageUnavailable(logger, e);
            return job;
        }
    }

    /// <summary>Every handler that touches storage: storage failing for now answers 503 with Retry-After, never a bare 500.</summary>
    private async Task<IActionResult> WithStorageAsync(Func<Task<IActionResult>> answer)
    {
        try
        {
            return await answer();
        }
        catch (Exception e) when (StorageFailure.Is(e))
        {
            HttpLog.StorageUnavailable(logger, e);
            return JsonAnswer.Problem(StatusCodes.Status503ServiceUnavailable, "Storage unavailable", "The job store could not be reached. Try again later.")
                .WithHeader("Retry-After", RetryAfter);
        }
    }

    private string RetryAfter => options.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);

    private static string JobStatusName(JobStatus status) => status.ToString().ToLowerInvariant();
}
