namespace Functions.Jobs.Submit;

/// <summary>
/// A job's price, known when it is accepted: the core-seconds it is expected to take and the most it can take (from its
/// kind's cost model), the ranges it fans out to, and the budget of core-seconds it was accepted under (a search stops there).
/// </summary>
public sealed record JobEstimate(double CoreSeconds, double WorstCoreSeconds, int Ranges, double BudgetCoreSeconds);
