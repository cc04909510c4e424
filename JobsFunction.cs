using Functions.Http;
using Functions.Jobs;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Functions;

/// <summary>
/// The jobs API: accepts jobs and puts them on the queue, and answers about them (status, long-poll, event stream,
/// result, cancel, listing). Every endpoint only awaits I/O; <see cref="JobAnswers"/> turns outcomes and failures into answers.
/// </summary>
public sealed class JobsFunction(JobService jobs, JobEvents events, JobAnswers answers, IOptions<JobOptions> options)
{
    [Function(nameof(SubmitJob))]
    public Task<IResult> SubmitJob(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Jobs)] HttpRequest request, CancellationToken cancellationToken) =>
        answers.RunAsync(async () =>
        {
            var submit = await JobRequestReader.ReadSubmitAsync(request, options.Value, cancellationToken);
            return answers.Accepted(await jobs.SubmitAsync(submit.Job, submit.IdempotencyKey, submit.Wait, cancellationToken));
        });

    [Function(nameof(ListJobs))]
    public Task<IResult> ListJobs(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Jobs)] HttpRequest request, CancellationToken cancellationToken) =>
        answers.RunAsync(async () =>
        {
            var query = JobListQuery.Read(request);
            return answers.List(await jobs.ListAsync(query.Status, query.Top, query.Continuation, cancellationToken), query);
        });

    [Function(nameof(GetJob))]
    public Task<IResult> GetJob(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Job)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        answers.RunAsync(async () =>
            answers.Status(await jobs.WaitAsync(id, JobRequestReader.ReadWait(request, options.Value.MaxWaitSeconds), cancellationToken), id));

    [Function(nameof(GetJobResult))]
    public Task<IResult> GetJobResult(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.JobResult)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        answers.RunAsync(async () => answers.Result(await jobs.GetResultAsync(id, cancellationToken), id));

    [Function(nameof(CancelJob))]
    public Task<IResult> CancelJob(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = Routes.Job)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        answers.RunAsync(async () => answers.Canceled(await jobs.CancelAsync(id, cancellationToken), id));

    [Function(nameof(WatchJob))]
    public Task<IResult> WatchJob(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.JobEvents)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        answers.RunAsync(() => events.OfJobAsync(request, id, cancellationToken));

    [Function(nameof(WatchJobs))]
    public Task<IResult> WatchJobs(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Events)] HttpRequest request, CancellationToken cancellationToken) =>
        answers.RunAsync(() => Task.FromResult(events.OfJobs(request, cancellationToken)));
}
