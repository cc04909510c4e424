using Functions.Health;
using Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Functions;

/// <summary>The health probe: 200 with the queue depths while storage answers, 503 problem+json when it does not.</summary>
public sealed class HealthFunction(StorageHealth health)
{
    [Function(nameof(Health))]
    [EndpointSummary("Check storage")]
    [EndpointDescription("Whether the app's queue and table answer, with the queue depths; always answers within Health__DeadlineSeconds. " +
        "Use it as the availability probe.")]
    [Response(200, "Storage answers.")]
    [ProblemResponse(503, "Storage did not answer; 'queue' and 'table' say which check failed and why.")]
    public async Task<Results<JsonOk<HealthReport>, ProblemResult>> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Health)] HttpRequest request, CancellationToken cancellationToken)
    {
        var report = await health.CheckAsync(cancellationToken);
        return report.IsHealthy
            ? new JsonOk<HealthReport>(report).WithHeader("Cache-Control", "no-store")
            : Problems.Of(StatusCodes.Status503ServiceUnavailable, "Storage unreachable", string.Join(" ", report.Failures),
                extensions: new Dictionary<string, object?> { ["queue"] = report.Queue, ["table"] = report.Table }).WithHeader("Cache-Control", "no-store");
    }
}
