using Functions.Compute;
using Microsoft.Extensions.Options;

namespace Functions.Jobs.Submit;

/// <summary>
/// Prices a job before it runs: validates it against its kind, plans it within the per-job cap of core time
/// (<c>Jobs__MaxJobCoreSeconds</c>) and estimates what it costs. A job expected to take more is refused naming the
/// input field that drives its cost and the largest value that fits.
/// </summary>
public sealed class JobPricing(ComputeKinds kinds, RangePlanner ranges, IOptions<SubmitOptions> jobs)
{
    public TimeSpan Cap => TimeSpan.FromSeconds(jobs.Value.MaxJobCoreSeconds);

    /// <summary>The job's kind, plan and estimate; throws <see cref="InvalidInputException"/> for bad input or a job over the cap.</summary>
    public PricedJob Price(JobRequest request)
    {
        var kind = kinds.Get(request.Kind);
        var plan = kind.Plan(request.Input, Cap);
        var estimate = plan.Estimate;
        if (estimate.Expected > Cap)
        {
            var field = kind.Description.CostField;
            var largest = CostCap.LargestFitting(kind, request.Input, Cap);
            throw new InvalidInputException($"input.{field}",
                $"This job is expected to take {estimate.Expected.TotalSeconds:N0} core-seconds, over the limit of {Cap.TotalSeconds:N0} per job (Jobs__MaxJobCoreSeconds). " +
                (largest is { } fits ? $"The largest {field} that fits is {fits}." : $"No {field} fits with the rest of this input."));
        }

        return new PricedJob(kind, plan, new JobEstimate(
            Math.Round(estimate.Expected.TotalSeconds, 3), Math.Round(estimate.Worst.TotalSeconds, 3), ranges.For(plan).RangeCount, Cap.TotalSeconds));
    }
}

public sealed record PricedJob(IComputeKind Kind, IComputePlan Plan, JobEstimate Estimate);
