namespace Functions.Compute;

/// <summary>
/// What a job costs in core time, from its kind's cost model (measured on the reference machine; see each kind's
/// README): the time it is expected to take on one core, and the most it can take. For a render or a count the two are
/// bounds of the same work; for a search the worst is where it gives up.
/// </summary>
public sealed record WorkEstimate(TimeSpan Expected, TimeSpan Worst)
{
    public static WorkEstimate Exactly(TimeSpan work) => new(work, work);
}
