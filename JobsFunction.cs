using System.Text.Json;
using Functions.Http;
using Functions.Jobs;
using Functions.Jobs.Submit;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using static Functions.Http.ApiText;

namespace Functions;

/// <summary>
/// The jobs API: accepts jobs and puts them on the queue, and answers about them (status, long-poll, event stream,
/// result, cancel, listing). Every endpoint only awaits I/O; <see cref="JobResponses"/> turns outcomes and failures into
/// typed results. The attributes beside each trigger are its part of the OpenAPI document.
/// </summary>
public sealed class JobsFunction(JobService jobs, JobEvents events, JobResponses responses, IOptions<SubmitOptions> options)
{
    [Function(nameof(SubmitJob))]
    [EndpointSummary("Submit a job")]
    [EndpointDescription("Stores the job and queues it. The body names a kind and its input (the *JobRequest schemas, or GET /api/kinds). " +
        "With ?wait= the request is held until the job finishes (200) or the wait ends (202). A request sent again with " +
        "the same Idempotency-Key and body answers with the same job, so a submit can be retried safely.")]
    [Parameter("wait", ParameterIn.Query, Wait, Type = typeof(int), Minimum = 0, Default = 0)]
    [Parameter(JobRequestReader.IdempotencyKeyHeader, ParameterIn.Header,
        "Makes the submit safe to retry: the same key with the same body answers with the same job; with another body, 422.",
        MinLength = 1, MaxLength = JobRequestReader.MaxIdempotencyKeyLength, Pattern = "^[!-~]+$")]
    [RequestBody(ApiSchemas.JobRequest, "The job: its kind and input, as JSON (at most {Jobs__MaxBodyBytes} bytes).")]
    [Response(200, "The job finished within ?wait=.", Headers = [Location])]
    [Response(202, "Accepted: the job is queued. Poll its Location, or wait on it.", Headers = [Location, RetryAfter])]
    [ProblemResponse(400, "The request is not a valid job; 'field' names what is at fault: body, kind, input, input.<field>, wait or Idempotency-Key. " +
        "An input too large for one stored job is refused with field 'input'. A job expected to take more than " +
        "Jobs__MaxJobCoreSeconds ({Jobs__MaxJobCoreSeconds}) core-seconds is refused naming the field that drives its cost " +
        "(see each kind's costField) and the largest value that fits.")]
    [ProblemResponse(413, "The body is over {Jobs__MaxBodyBytes} bytes.")]
    [ProblemResponse(415, "The body is not JSON (Content-Type).")]
    [ProblemResponse(422, "The Idempotency-Key was used before with another body.")]
    [ProblemResponse(503, "Not accepted, try again after Retry-After: the queue holds Jobs__MaxQueueDepth ({Jobs__MaxQueueDepth}) messages, the jobs " +
        "queued and running are expected to take Jobs__MaxQueuedCoreSeconds ({Jobs__MaxQueuedCoreSeconds}) core-seconds, or storage " +
        "did not answer and no job is kept. Title 'Job may exist': storage did not confirm the submit; 'jobId' and 'statusUrl' " +
        "name the job it may have made, and the same request with the same Idempotency-Key gets it.", Headers = [RetryAfter])]
    public Task<Results<JsonOk<JobView>, JsonAccepted<JobView>, ProblemResult>> SubmitJob(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Jobs)] HttpRequest request, CancellationToken cancellationToken) =>
        responses.RunAsync(request, async budget =>
        {
            var submit = await JobRequestReader.ReadSubmitAsync(request, options.Value, budget.Token);
            return responses.Accepted(await jobs.SubmitAsync(submit.Job, submit.IdempotencyKey, budget.Wait, budget.StorageTimeLimit, budget.Token, budget.StorageDeadline));
        }, cancellationToken);

    [Function(nameof(EstimateJob))]
    [EndpointSummary("Price a job")]
    [EndpointDescription("What the job in the body would cost, without submitting it: the core-seconds it is expected to take and the most " +
        "it can take (from its kind's cost model), the ranges it would fan out to, and the per-job budget. Refused as a submit would be.")]
    [RequestBody(ApiSchemas.JobRequest, "The job a submit would take.")]
    [Response(200, "The job's kind and estimate.")]
    [ProblemResponse(400, "The request is not a valid job, or is over the per-job cap; 'field' names what is at fault.")]
    [ProblemResponse(413, "The body is over {Jobs__MaxBodyBytes} bytes.")]
    [ProblemResponse(415, "The body is not JSON (Content-Type).")]
    public Task<Results<JsonOk<EstimateView>, ProblemResult>> EstimateJob(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Estimates)] HttpRequest request, CancellationToken cancellationToken) =>
        responses.RunAsync(request, async budget =>
        {
            var submit = await JobRequestReader.ReadSubmitAsync(request, options.Value, budget.Token);
            return responses.Estimate(submit.Job, jobs.Estimate(submit.Job));
        }, cancellationToken);

    [Function(nameof(ListJobs))]
    [EndpointSummary("List jobs")]
    [EndpointDescription("Jobs newest first, a page at a time; follow nextUrl for the next page. Listed jobs leave out their input. " +
        "Finished jobs are purged Jobs__RetentionHours after they finish.")]
    [Parameter("status", ParameterIn.Query, "Only jobs in this state.", Type = typeof(JobStatus))]
    [Parameter("top", ParameterIn.Query, "Jobs per page.", Type = typeof(int), Minimum = 1, Maximum = JobListQuery.MaxTop, Default = JobListQuery.DefaultTop)]
    [Parameter("continuationToken", ParameterIn.Query, "Where the page starts: the continuationToken of the page before.")]
    [Response(200, "A page of jobs, with the next page's continuationToken and nextUrl while there are more.")]
    [ProblemResponse(400, InvalidQuery)]
    [ProblemResponse(503, StorageUnavailable, Headers = [RetryAfter])]
    [Paged(nameof(JobList.Jobs), nameof(JobList.NextUrl))]
    public Task<Results<JsonOk<JobList>, ProblemResult>> ListJobs(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Jobs)] HttpRequest request, CancellationToken cancellationToken) =>
        responses.RunAsync(request, async budget =>
        {
            var query = JobListQuery.Read(request);
            return responses.List(await jobs.ListAsync(query.Status, query.Top, query.Continuation, budget.Token), query);
        }, cancellationToken);

    [Function(nameof(GetJob))]
    [EndpointSummary("Get a job")]
    [EndpointDescription("The job as it is now: 202 with Retry-After while it is queued or running (status, progress, chunks done), 200 once it " +
        "has succeeded (with result), failed (with error) or been canceled. With ?wait= the request is held until the job " +
        "finishes or the wait ends.")]
    [Parameter("id", ParameterIn.Path, JobId, Required = true)]
    [Parameter("wait", ParameterIn.Query, Wait, Type = typeof(int), Minimum = 0, Default = 0)]
    [Response(200, "The job has finished.")]
    [Response(202, "The job is queued or running.", Headers = [RetryAfter])]
    [ProblemResponse(400, "?wait= is not a whole number of seconds.")]
    [ProblemResponse(404, JobNotFound)]
    [ProblemResponse(503, StorageUnavailable, Headers = [RetryAfter])]
    public Task<Results<JsonOk<JobView>, JsonAccepted<JobView>, ProblemResult>> GetJob(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Job)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        responses.RunAsync(request, async budget => responses.Status(await jobs.WaitAsync(id, budget.Wait, budget.Token), id), cancellationToken);

    [Function(nameof(GetJobResult))]
    [EndpointSummary("Get a job's result")]
    [EndpointDescription("The result alone: the JSON value of the job's result, or the content its kind stores (image/png for mandelbrot).")]
    [Parameter("id", ParameterIn.Path, JobId, Required = true)]
    [Response(200, "The result.")]
    [ResponseContent(200, Json, ApiSchemas.JobResult), ResponseContent(200, "image/png", ApiSchemas.Binary)]
    [Response(202, "The job has not finished: the job as it is now.", Headers = [RetryAfter])]
    [ProblemResponse(400, InvalidQuery)]
    [ProblemResponse(404, JobNotFound)]
    [ProblemResponse(409, "The job failed or was canceled: it has no result.")]
    [ProblemResponse(503, StorageUnavailable, Headers = [RetryAfter])]
    public Task<Results<JsonOk<JsonElement?>, BytesOk, JsonAccepted<JobView>, ProblemResult>> GetJobResult(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.JobResult)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        responses.RunAsync(request, async budget => responses.Result(await jobs.GetResultAsync(id, budget.Token), id), cancellationToken);

    [Function(nameof(CancelJob))]
    [EndpointSummary("Cancel a job"), EndpointDescription("Cancels a queued or running job; a running job stops at its next progress check.")]
    [Parameter("id", ParameterIn.Path, JobId, Required = true)]
    [Response(200, "The job, canceled.")]
    [ProblemResponse(400, InvalidQuery)]
    [ProblemResponse(404, JobNotFound)]
    [ProblemResponse(409, "The job had already finished.")]
    [ProblemResponse(503, StorageUnavailable, Headers = [RetryAfter])]
    public Task<Results<JsonOk<JobView>, ProblemResult>> CancelJob(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = Routes.Job)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        responses.RunAsync(request, async budget => responses.Canceled(await jobs.CancelAsync(id, budget.Token), id), cancellationToken);

    // The streams outlive the storage deadline (Jobs__MaxStreamSeconds): the deadline bounds their first read only.
    [Function(nameof(WatchJob))]
    [EndpointSummary("Watch a job (Server-Sent Events)")]
    [EndpointDescription("A text/event-stream of the job: a 'job' event with the job (a JobView as JSON) now and at each change, at most one per " +
        "{EventMinGapMilliseconds} ms, then 'done' with its final view, and the stream ends. Each event's id " +
        "marks how far the job has been seen; reconnecting with Last-Event-ID sends only what is newer. A stream ends by " +
        "itself after Jobs__MaxStreamSeconds ({Jobs__MaxStreamSeconds} s) and an EventSource reconnects; a comment every " +
        "{EventHeartbeatSeconds} s keeps a quiet stream open.")]
    [Parameter("id", ParameterIn.Path, JobId, Required = true)]
    [Parameter(JobEvents.LastEventIdHeader, ParameterIn.Header, LastEventId)]
    [Response(200, EventStream), ResponseContent(200, EventStreamWriter.ContentType, ApiSchemas.EventStream)]
    [Response(204, "Last-Event-ID says the caller has seen the job finish: nothing more will come.")]
    [ProblemResponse(400, InvalidQuery)]
    [ProblemResponse(404, JobNotFound)]
    [ProblemResponse(503, StorageUnavailable, Headers = [RetryAfter])]
    public Task<Results<JobEventStream, NoContent, ProblemResult>> WatchJob(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.JobEvents)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        responses.RunAsync(request, budget => events.OfJobAsync(request, id, budget.Token, cancellationToken), cancellationToken);

    [Function(nameof(WatchJobs))]
    [EndpointSummary("Watch many jobs (Server-Sent Events)")]
    [EndpointDescription("One text/event-stream for up to {MaxWatchedJobs} jobs (a browser opens at most six connections to a host): 'job' " +
        "and 'done' events for each job as for one job, 'missing' ({\"id\": …}) for a job that does not exist, and 'end' once " +
        "every job is over. Each event's id holds the marks of all the jobs, in the order of ids, separated by dots.")]
    [Parameter("ids", ParameterIn.Query, "The jobs' ids, separated by commas (at most {MaxWatchedJobs}).", Required = true)]
    [Parameter(JobEvents.LastEventIdHeader, ParameterIn.Header, LastEventId)]
    [Response(200, EventStream), ResponseContent(200, EventStreamWriter.ContentType, ApiSchemas.EventStream)]
    [Response(204, "Last-Event-ID says the caller has seen every job end: nothing more will come.")]
    [ProblemResponse(400, "'ids' is missing, names more than {MaxWatchedJobs} jobs, or holds something that is not a job id.")]
    public Task<Results<JobEventStream, NoContent, ProblemResult>> WatchJobs(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Events)] HttpRequest request, CancellationToken cancellationToken) =>
        responses.RunAsync(request, _ => Task.FromResult(events.OfJobs(request, cancellationToken)), cancellationToken);
}
