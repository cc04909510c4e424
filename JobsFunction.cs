using Functions.Http;
using Functions.Jobs.Submit;
using Functions.Jobs;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Functions;

/// <summary>
/// The jobs API: accepts jobs and puts them on the queue, and answers about them (status, long-poll, event stream,
/// result, cancel, listing). Every endpoint only awaits I/O; <see cref="JobAnswers"/> turns outcomes and failures into answers.
/// </summary>
public sealed class JobsFunction(JobService jobs, JobEvents events, JobAnswers answers, IOptions<SubmitOptions> options)
{
    [Function(nameof(SubmitJob))]
    public Task<IResult> SubmitJob(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Jobs)] HttpRequest request, CancellationToken cancellationToken) =>
        answers.RunAsync(request, async budget =>
        {
            var submit = await JobRequestReader.ReadSubmitAsync(request, options.Value, budget.Token);
            return answers.Accepted(await jobs.SubmitAsync(submit.Job, submit.IdempotencyKey, budget.Wait, budget.TurnBudget, budget.Token, budget.StorageDeadline));
        }, cancellationToken);

    [Function(nameof(EstimateJob))]
    public Task<IResult> EstimateJob(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Estimates)] HttpRequest request, CancellationToken cancellationToken) =>
        answers.RunAsync(request, async budget =>
        {
            var submit = await JobRequestReader.ReadSubmitAsync(request, options.Value, budget.Token);
            return answers.Estimate(submit.Job, jobs.Estimate(submit.Job));
        }, cancellationToken);

    [Function(nameof(ListJobs))]
    public Task<IResult> ListJobs(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Jobs)] HttpRequest request, CancellationToken cancellationToken) =>
        answers.RunAsync(request, async budget =>
        {
            var query = JobListQuery.Read(request);
            return answers.List(await jobs.ListAsync(query.Status, query.Top, query.Continuation, budget.Token), query);
        }, cancellationToken);

    [Function(nameof(GetJob))]
    public Task<IResult> GetJob(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Job)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        answers.RunAsync(request, async budget => answers.Status(await jobs.WaitAsync(id, budget.Wait, budget.Token), id), cancellationToken);

    [Function(nameof(GetJobResult))]
    public Task<IResult> GetJobResult(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.JobResult)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        answers.RunAsync(request, async budget => answers.Result(await jobs.GetResultAsync(id, budget.Token), id), cancellationToken);

    [Function(nameof(CancelJob))]
    public Task<IResult> CancelJob(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = Routes.Job)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        answers.RunAsync(request, async budget => answers.Canceled(await jobs.CancelAsync(id, budget.Token), id), cancellationToken);

    // The streams outlive the storage deadline (Jobs__MaxStreamSeconds): the deadline bounds their first read only.
    [Function(nameof(WatchJob))]
    public Task<IResult> WatchJob(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.JobEvents)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        answers.RunAsync(request, budget => events.OfJobAsync(request, id, budget.Token, cancellationToken), cancellationToken);

    [Function(nameof(WatchJobs))]
    public Task<IResult> WatchJobs(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Events)] HttpRequest request, CancellationToken cancellationToken) =>
        answers.RunAsync(request, _ => Task.FromResult(events.OfJobs(request, cancellationToken)), cancellationToken);
}
