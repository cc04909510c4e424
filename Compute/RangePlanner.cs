using Microsoft.Extensions.Options;

namespace Functions.Compute;

/// <summary>Groups a plan's chunks into ranges for this app: each range fits one invocation's budget on the executor's threads.</summary>
public sealed class RangePlanner(ComputeExecutor executor, IOptions<ComputeOptions> options)
{
    public RangePlan For(IComputePlan plan) =>
        RangePlan.For(plan, TimeSpan.FromSeconds(options.Value.InvocationBudgetSeconds), executor.ThreadCount);
}
