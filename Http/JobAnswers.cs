using System.Globalization;
using Functions.Compute;
using Functions.Jobs.Store;
using Functions.Jobs.Submit;
using Functions.Jobs.Watch;
using Functions.Jobs;
using Functions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Functions.Http;

/// <summary>
/// What the jobs API answers. <see cref="RunAsync"/> runs an endpoint and is the one place where the app's exceptions
/// become problems; the other members turn what the services return into answers.
/// </summary>
public sealed class JobAnswers(IOptions<WatchOptions> options, IOptions<StorageOptions> storage, TimeProvider time, ILogger<JobAnswers> logger)
{
    private const string Json = "application/json";

    private string RetryAfter => options.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Runs an endpoint within its budget: its <c>?wait=</c> plus <c>Storage__RequestDeadlineSeconds</c>. A refused
    /// request, bad input, unavailable storage or a deadline passed answers its problem, never a bare 500 or a hang.
    /// </summary>
    public async Task<IResult> RunAsync(HttpRequest request, Func<RequestBudget, Task<IResult>> endpoint, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        try
        {
            var wait = JobRequestReader.ReadWait(request, options.Value.MaxWaitSeconds);
            deadline.CancelAfter(wait + storage.Value.RequestDeadline);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            return await endpoint(new RequestBudget(wait, either.Token, deadline.Token, storage.Value.TurnBudget));
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            HttpLog.StorageUnavailable(logger, e);
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "Storage unavailable",
                $"Storage did not answer within {storage.Value.RequestDeadlineSeconds} s. Try again later.").WithHeader("Retry-After", RetryAfter);
        }
        catch (JobOutcomeUnknownException e)
        {
            HttpLog.StorageUnavailable(logger, e);
            var statusUrl = Routes.JobPath(e.JobId);
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "Job may exist",
                    $"{e.Message} Look it up at {statusUrl}, or send the same request with the same Idempotency-Key to get it.",
                    extensions: new Dictionary<string, object?> { ["jobId"] = e.JobId, ["statusUrl"] = statusUrl })
                .WithHeader("Retry-After", RetryAfter);
        }
        catch (RequestRefusedException e)
        {
            return Problems.Of(e.Status, e.Title, e.Message, e.Field);
        }
        catch (InvalidInputException e)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "Invalid job request", e.Message, e.Field);
        }
        catch (IdempotencyKeyReusedException e)
        {
            return Problems.Of(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused", e.Message, JobRequestReader.IdempotencyKeyHeader);
        }
        catch (TooBusyException e)
        {
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "Too busy", e.Message)
                .WithHeader("Retry-After", e.RetryAfter.TotalSeconds.ToString("0", CultureInfo.InvariantCulture));
        }
        catch (QueueUnavailableException e)
        {
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "Queue unavailable", e.Message).WithHeader("Retry-After", RetryAfter);
        }
        catch (StorageUnavailableException e)
        {
            HttpLog.StorageUnavailable(logger, e);
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "Storage unavailable", "The job store could not be reached. Try again later.")
                .WithHeader("Retry-After", RetryAfter);
        }
    }

    /// <summary>The job: 200 once it has finished, else 202 with <c>Retry-After</c>; 404 for an unknown id.</summary>
    public IResult Status(JobSnapshot? job, string id)
    {
        if (job is null) return Problems.NotFound(id);
        var view = JobView.From(job);
        return view.Status.IsFinished()
            ? Results.Json(view, JobJson.Options, Json, StatusCodes.Status200OK)
            : Results.Json(view, JobJson.Options, Json, StatusCodes.Status202Accepted).WithHeader("Retry-After", RetryAfter);
    }

    /// <summary>A submitted job, with its <c>Location</c>.</summary>
    public IResult Accepted(JobSnapshot job) => Status(job, job.Job.Id).WithHeader("Location", Routes.JobPath(job.Job.Id));

    /// <summary>What a job would cost: its kind and estimate (200), asked with the body a submit takes.</summary>
    public IResult Estimate(JobRequest job, JobEstimate estimate) => Results.Json(new EstimateView(job.Kind, estimate), JobJson.Options, Json);

    public IResult List(JobPage page, JobListQuery query) => Results.Json(JobList.From(page, query), JobJson.Options, Json);

    /// <summary>The result alone: its JSON or its stored content; 202 while unfinished, 409 when the job ended without one.</summary>
    public IResult Result(JobResult? result, string id)
    {
        if (result is null) return Problems.NotFound(id);
        var job = result.Job.Job;
        if (!job.Status.IsFinished()) return Status(result.Job, id);
        if (job.Status != JobStatus.Succeeded)
            return Problems.Of(StatusCodes.Status409Conflict, "No result", $"The job is {job.Status.Name()} and has no result.", "id");
        if (job.ResultBlob is null) return Results.Json(JobView.From(result.Job).Result, JobJson.Options, Json);
        return result.Content is { } content
            ? Results.Bytes(content.ToMemory(), job.ResultContentType ?? "application/octet-stream")
            : Problems.NotFound(id);
    }

    /// <summary>200 with the job canceled; 409 when it had finished already; 404 for an unknown id.</summary>
    public IResult Canceled(JobSnapshot? job, string id)
    {
        if (job is null) return Problems.NotFound(id);
        if (job.Job.Status == JobStatus.Canceled) return Results.Json(JobView.From(job), JobJson.Options, Json);
        return Problems.Of(StatusCodes.Status409Conflict, "Job already finished", $"The job is {job.Job.Status.Name()}; only a queued or running job can be canceled.", "id");
    }
}

/// <summary>The answer of <c>POST /api/estimates</c>.</summary>
public sealed record EstimateView(string Kind, JobEstimate Estimate);
