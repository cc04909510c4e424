using System.Text.Json;
using Functions.Http;
using Functions.Jobs;
using Functions.Jobs.Submit;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Functions;

/// <summary>
/// The jobs API: accepts jobs and puts them on the queue, and answers about them (status, long-poll, event stream,
/// result, cancel, listing). Every endpoint only awaits I/O; <see cref="JobResponses"/> turns outcomes and failures into
/// typed results.
/// </summary>
public sealed class JobsFunction(JobService jobs, JobEvents events, JobResponses responses, IOptions<SubmitOptions> options)
{
    [Function(nameof(SubmitJob))]
    public Task<Results<JsonOk<JobView>, JsonAccepted<JobView>, ProblemResult>> SubmitJob(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Jobs)] HttpRequest request, CancellationToken cancellationToken) =>
        responses.RunAsync(request, async budget =>
        {
            var submit = await JobRequestReader.ReadSubmitAsync(request, options.Value, budget.Token);
            return responses.Accepted(await jobs.SubmitAsync(submit.Job, submit.IdempotencyKey, budget.Wait, budget.TurnBudget, budget.Token, budget.StorageDeadline));
        }, cancellationToken);

    [Function(nameof(EstimateJob))]
    public Task<Results<JsonOk<EstimateView>, ProblemResult>> EstimateJob(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Estimates)] HttpRequest request, CancellationToken cancellationToken) =>
        responses.RunAsync(request, async budget =>
        {
            var submit = await JobRequestReader.ReadSubmitAsync(request, options.Value, budget.Token);
            return responses.Estimate(submit.Job, jobs.Estimate(submit.Job));
        }, cancellationToken);

    [Function(nameof(ListJobs))]
    public Task<Results<JsonOk<JobList>, ProblemResult>> ListJobs(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Jobs)] HttpRequest request, CancellationToken cancellationToken) =>
        responses.RunAsync(request, async budget =>
        {
            var query = JobListQuery.Read(request);
            return responses.List(await jobs.ListAsync(query.Status, query.Top, query.Continuation, budget.Token), query);
        }, cancellationToken);

    [Function(nameof(GetJob))]
    public Task<Results<JsonOk<JobView>, JsonAccepted<JobView>, ProblemResult>> GetJob(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Job)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        responses.RunAsync(request, async budget => responses.Status(await jobs.WaitAsync(id, budget.Wait, budget.Token), id), cancellationToken);

    [Function(nameof(GetJobResult))]
    public Task<Results<JsonOk<JsonElement?>, BytesOk, JsonAccepted<JobView>, ProblemResult>> GetJobResult(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.JobResult)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        responses.RunAsync(request, async budget => responses.Result(await jobs.GetResultAsync(id, budget.Token), id), cancellationToken);

    [Function(nameof(CancelJob))]
    public Task<Results<JsonOk<JobView>, ProblemResult>> CancelJob(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = Routes.Job)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        responses.RunAsync(request, async budget => responses.Canceled(await jobs.CancelAsync(id, budget.Token), id), cancellationToken);

    // The streams outlive the storage deadline (Jobs__MaxStreamSeconds): the deadline bounds their first read only.
    [Function(nameof(WatchJob))]
    public Task<Results<JobEventStream, NoContent, ProblemResult>> WatchJob(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.JobEvents)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        responses.RunAsync(request, budget => events.OfJobAsync(request, id, budget.Token, cancellationToken), cancellationToken);

    [Function(nameof(WatchJobs))]
    public Task<Results<JobEventStream, NoContent, ProblemResult>> WatchJobs(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Events)] HttpRequest request, CancellationToken cancellationToken) =>
        responses.RunAsync(request, _ => Task.FromResult(events.OfJobs(request, cancellationToken)), cancellationToken);
}
