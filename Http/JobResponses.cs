using System.Globalization;
using System.Text.Json;
using Functions.Compute;
using Functions.Jobs.Store;
using Functions.Jobs.Submit;
using Functions.Jobs.Watch;
using Functions.Jobs;
using Functions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Functions.Http;

/// <summary>
/// The jobs API's responses. <c>RunAsync</c> runs an endpoint and is the one place where the app's exceptions become
/// problems; the other members turn what the services return into typed results.
/// </summary>
public sealed class JobResponses(IOptions<WatchOptions> options, IOptions<StorageOptions> storage, TimeProvider time, ILogger<JobResponses> logger)
{
    private string RetryAfter => options.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);

    public Task<Results<T1, ProblemResult>> RunAsync<T1>(
        HttpRequest request, Func<RequestBudget, Task<Results<T1, ProblemResult>>> endpoint, CancellationToken cancellationToken)
        where T1 : IResult => RunAsync(request, endpoint, problem => problem, cancellationToken);

    public Task<Results<T1, T2, ProblemResult>> RunAsync<T1, T2>(
        HttpRequest request, Func<RequestBudget, Task<Results<T1, T2, ProblemResult>>> endpoint, CancellationToken cancellationToken)
        where T1 : IResult where T2 : IResult => RunAsync(request, endpoint, problem => problem, cancellationToken);

    public Task<Results<T1, T2, T3, ProblemResult>> RunAsync<T1, T2, T3>(
        HttpRequest request, Func<RequestBudget, Task<Results<T1, T2, T3, ProblemResult>>> endpoint, CancellationToken cancellationToken)
        where T1 : IResult where T2 : IResult where T3 : IResult => RunAsync(request, endpoint, problem => problem, cancellationToken);

    /// <summary>
    /// Runs an endpoint within its budget: its <c>?wait=</c> plus <c>Storage__RequestDeadlineSeconds</c>. A refused
    /// request, bad input, unavailable storage or a deadline passed answers its problem, never a bare 500 or a hang.
    /// </summary>
    private async Task<TResult> RunAsync<TResult>(
        HttpRequest request, Func<RequestBudget, Task<TResult>> endpoint, Func<ProblemResult, TResult> problem, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        using var span = JobTracing.StartRequest(request.Method, request.Path, request.Headers.TraceParent, request.Headers.TraceState);
        try
        {
            var wait = JobRequestReader.ReadWait(request, options.Value.MaxWaitSeconds);
            deadline.CancelAfter(wait + storage.Value.RequestDeadline);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            return await endpoint(new RequestBudget(wait, either.Token, deadline.Token, storage.Value.RequestDeadline));
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            HttpLog.StorageUnavailable(logger, e);
            return problem(Problems.Of(StatusCodes.Status503ServiceUnavailable, "Storage unavailable",
                $"Storage did not answer within {storage.Value.RequestDeadlineSeconds} s. Try again later.").WithHeader(ApiText.RetryAfter, RetryAfter));
        }
        catch (JobOutcomeUnknownException e)
        {
            HttpLog.StorageUnavailable(logger, e);
            var statusUrl = Routes.JobPath(e.JobId);
            return problem(Problems.Of(StatusCodes.Status503ServiceUnavailable, "Job may exist",
                    $"{e.Message} Look it up at {statusUrl}, or send the same request with the same Idempotency-Key to get it.",
                    extensions: new Dictionary<string, object?> { ["jobId"] = e.JobId, ["statusUrl"] = statusUrl })
                .WithHeader(ApiText.RetryAfter, RetryAfter));
        }
        catch (RequestRefusedException e)
        {
            return problem(Problems.Of(e.Status, e.Title, e.Message, e.Field));
        }
        catch (InvalidInputException e)
        {
            return problem(Problems.Of(StatusCodes.Status400BadRequest, "Invalid job request", e.Message, e.Field));
        }
        catch (IdempotencyKeyReusedException e)
        {
            return problem(Problems.Of(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused", e.Message, JobRequestReader.IdempotencyKeyHeader));
        }
        catch (TooBusyException e)
        {
            return problem(Problems.Of(StatusCodes.Status503ServiceUnavailable, "Too busy", e.Message)
                .WithHeader(ApiText.RetryAfter, e.RetryAfter.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)));
        }
        catch (QueueUnavailableException e)
        {
            return problem(Problems.Of(StatusCodes.Status503ServiceUnavailable, "Queue unavailable", e.Message).WithHeader(ApiText.RetryAfter, RetryAfter));
        }
        catch (StorageUnavailableException e)
        {
            HttpLog.StorageUnavailable(logger, e);
            return problem(Problems.Of(StatusCodes.Status503ServiceUnavailable, "Storage unavailable", "The job store could not be reached. Try again later.")
                .WithHeader(ApiText.RetryAfter, RetryAfter));
        }
    }

    /// <summary>The job: 200 once it has finished, else 202 with <c>Retry-After</c>; 404 for an unknown id.</summary>
    public Results<JsonOk<JobView>, JsonAccepted<JobView>, ProblemResult> Status(JobSnapshot? job, string id)
    {
        if (job is null) return Problems.NotFound(id);
        var view = JobView.From(job);
        return view.Status.IsFinished() ? new JsonOk<JobView>(view) : new JsonAccepted<JobView>(view, RetryAfter);
    }

    /// <summary>A submitted job, with its <c>Location</c>.</summary>
    public Results<JsonOk<JobView>, JsonAccepted<JobView>, ProblemResult> Accepted(JobSnapshot job)
    {
        var location = Routes.JobPath(job.Job.Id);
        var view = JobView.From(job);
        return view.Status.IsFinished()
            ? new JsonOk<JobView>(view).WithHeader(ApiText.Location, location)
            : new JsonAccepted<JobView>(view, RetryAfter).WithHeader(ApiText.Location, location);
    }

    /// <summary>What a job would cost: its kind and estimate (200), asked with the body a submit takes.</summary>
    public Results<JsonOk<EstimateView>, ProblemResult> Estimate(JobRequest job, JobEstimate estimate) => new JsonOk<EstimateView>(new EstimateView(job.Kind, estimate));

    public Results<JsonOk<JobList>, ProblemResult> List(JobPage page, JobListQuery query) => new JsonOk<JobList>(JobList.From(page, query));

    /// <summary>The result alone: its JSON or its stored content; 202 while unfinished, 409 when the job ended without one.</summary>
    public Results<JsonOk<JsonElement?>, BytesOk, JsonAccepted<JobView>, ProblemResult> Result(JobResult? result, string id)
    {
        if (result is null) return Problems.NotFound(id);
        var job = result.Job.Job;
        if (!job.Status.IsFinished()) return new JsonAccepted<JobView>(JobView.From(result.Job), RetryAfter);
        if (job.Status != JobStatus.Succeeded)
            return Problems.Of(StatusCodes.Status409Conflict, "No result", $"The job is {job.Status.Name()} and has no result.", "id");
        if (job.ResultBlob is null) return new JsonOk<JsonElement?>(JobView.From(result.Job).Result);
        return result.Content is { } content
            ? new BytesOk(content.ToMemory(), job.ResultContentType ?? "application/octet-stream")
            : Problems.NotFound(id);
    }

    /// <summary>200 with the job canceled; 409 when it had finished already; 404 for an unknown id.</summary>
    public Results<JsonOk<JobView>, ProblemResult> Canceled(JobSnapshot? job, string id)
    {
        if (job is null) return Problems.NotFound(id);
        if (job.Job.Status == JobStatus.Canceled) return new JsonOk<JobView>(JobView.From(job));
        return Problems.Of(StatusCodes.Status409Conflict, "Job already finished", $"The job is {job.Job.Status.Name()}; only a queued or running job can be canceled.", "id");
    }
}

/// <summary>The answer of <c>POST /api/estimates</c>.</summary>
public sealed record EstimateView(string Kind, JobEstimate Estimate);
