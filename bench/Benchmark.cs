namespace Functions.Bench;

/// <summary>A named group of figures, run by <c>dotnet run -c Release --project bench -- name</c>.</summary>
public sealed record Benchmark(string Name, string Description, Func<BenchOptions, IAsyncEnumerable<Figure>> Run);

/// <summary>One printed line: a measured value and the ratio that judges it.</summary>
public sealed record Figure(string Name, string Measured, string Ratio)
{
    public override string ToString() => $"{Name,-36} {Measured,-58} {Ratio}";
}
