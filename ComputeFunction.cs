using Microsoft.Azure.Functions.Worker;

namespace Functions;

public sealed class ComputeFunction
{
    [Function("Compute")]
    public Task Compute([QueueTrigger("jobs", Connection = "AzureWebJobsStorage")] string message) => Task.CompletedTask;
}
