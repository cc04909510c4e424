using Functions.Health;
using Functions.Http;
using Functions.Jobs;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Functions;

/// <summary>The health probe: 200 with the queue depths while storage answers, 503 problem+json when it does not.</summary>
public sealed class HealthFunction(StorageHealth health)
{
    [Function(nameof(Health))]
    public async Task<IResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Health)] HttpRequest request, CancellationToken cancellationToken)
    {
        var report = await health.CheckAsync(cancellationToken);
        var answer = report.IsHealthy
            ? Results.Json(report, JobJson.Options, "application/json")
            : Problems.Of(StatusCodes.Status503ServiceUnavailable, "Storage unreachable", string.Join(" ", report.Failures),
                extensions: new Dictionary<string, object?> { ["queue"] = report.Queue, ["table"] = report.Table });
        return answer.WithHeader("Cache-Control", "no-store");
    }
}
