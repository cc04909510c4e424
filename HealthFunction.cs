using Functions.Health;
using Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Functions;

/// <summary>The health probe: 200 with the queue depths while storage answers, 503 problem+json when it does not.</summary>
public sealed class HealthFunction(StorageHealth health)
{
    [Function(nameof(Health))]
    public async Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request, CancellationToken cancellationToken)
    {
        var report = await health.CheckAsync(cancellationToken);
        var answer = report.IsHealthy ? new JsonAnswer(StatusCodes.Status200OK, report) : Unhealthy(report);
        return answer.WithHeader("Cache-Control", "no-store");
    }

    private static JsonAnswer Unhealthy(HealthReport report)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "Storage unreachable",
            Detail = string.Join(" ", report.Failures),
            Extensions = { ["queue"] = report.Queue, ["table"] = report.Table },
        };
        return new JsonAnswer(StatusCodes.Status503ServiceUnavailable, problem, "application/problem+json");
    }
}
