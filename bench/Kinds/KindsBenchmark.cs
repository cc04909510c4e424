using System.Diagnostics;
using System.Text.Json;
using Functions.Compute;
using Functions.Compute.HashSearch;
using Functions.Compute.Mandelbrot;
using Functions.Compute.Primes;

namespace Functions.Bench.Kinds;

/// <summary>Parallel efficiency T1 / (P × TP) of every kind, each run the way the app runs a range: all chunks on the executor.</summary>
public static class KindsBenchmark
{
    private static readonly (string Name, IComputeKind Kind, object Input)[] Jobs =
    [
        ("primes 1e9", new PrimesKind(), new { limit = 1_000_000_000 }),
        ("mandelbrot 2048x1536x2000", new MandelbrotKind(), new { width = 2048, height = 1536, maxIterations = 2000 }),
        ("hashsearch D=20", new HashSearchKind(), new { prefix = "bench", difficulty = 20 }),
    ];

    public static async IAsyncEnumerable<Figure> RunAsync(BenchOptions options)
    {
        var threads = Environment.ProcessorCount;
        foreach (var (name, kind, input) in Jobs)
        {
            var plan = kind.Plan(JsonSerializer.SerializeToElement(input));
            await TimeAsync(plan, threads); // warm-up
            double one = double.MaxValue, all = double.MaxValue;
            for (var run = 0; run < options.Repeat; run++)
            {
                one = Math.Min(one, await TimeAsync(plan, 1));
                all = Math.Min(all, await TimeAsync(plan, threads));
            }

            yield return new Figure(
                $"{name} parallel efficiency",
                $"T1 {Machine.Seconds(one)}, T{threads} {Machine.Seconds(all)}, {plan.ChunkCount} chunks",
                $"T1/({threads}×T{threads}) = {Machine.Number(one / (threads * all))} (goal ≥ 0.9)");
        }
    }

    /// <summary>Runs every chunk on an executor of <paramref name="threads"/> threads and reduces, as one invocation would.</summary>
    public static async Task<double> TimeAsync(IComputePlan plan, int threads)
    {
        using var executor = new ComputeExecutor(threads);
        var clock = Stopwatch.StartNew();
        var partials = await executor.ForEachAsync(0, plan.ChunkCount, i => plan.ComputeChunk(i, CancellationToken.None), plan.EndsSearch, CancellationToken.None);
        plan.Complete(plan.Reduce(partials.TakeWhile(p => p is not null).Cast<BinaryData>().ToList()));
        return clock.Elapsed.TotalSeconds;
    }
}
