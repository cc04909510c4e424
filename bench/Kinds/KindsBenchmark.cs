using System.Diagnostics;
using System.Text.Json;
using Functions.Compute;
using Functions.Compute.HashSearch;
using Functions.Compute.Mandelbrot;
using Functions.Compute.Primes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Functions.Bench.Kinds;

/// <summary>
/// Parallel efficiency T1 / (P × TP) of every kind on a job of at least a second on one thread, each run the way the
/// app runs a range: all chunks on the executor, then reduce and complete. Beside the wall-clock figure, the
/// efficiency the split allows, from each chunk's time on one thread, P workers pulling chunks in order from the
/// shared counter, and the serial reduce-and-complete after them: it holds up when other load makes the
/// wall-clock figure meaningless (the process may get one core of two). And each kind's estimate (the price a job is
/// accepted at, after the start-up calibration the app runs too) against the one-core time it measured.
/// </summary>
public static class KindsBenchmark
{
    private static readonly (string Name, IComputeKind Kind, object Input)[] Jobs =
    [
        ("primes 1e10", new PrimesKind(), new { limit = 10_000_000_000 }),
        ("mandelbrot seahorse 4608x2592x6000", new MandelbrotKind(), new { centerX = -0.743643887, centerY = 0.131825904, scale = 0.0002, width = 4608, height = 2592, maxIterations = 6000 }),
        // Inside the period-3 bulb: every pixel runs to maxIterations (the closed-form test knows only the cardioid and
        // the period-2 bulb), the worst case the estimate prices every view at.
        ("mandelbrot period-3 bulb 1024x768x3000", new MandelbrotKind(), new { centerX = -0.1225, centerY = 0.7449, scale = 0.06, width = 1024, height = 768, maxIterations = 3000 }),
        ("hashsearch azure D=22", new HashSearchKind(), new { prefix = "azure", difficulty = 22 }),
    ];

    public static async IAsyncEnumerable<Figure> RunAsync(BenchOptions options)
    {
        var threads = Environment.ProcessorCount;
        // Each kind's first calibration round as the app runs it at start (its later rounds only lower a factor): its
        // factor prices the estimates below in this machine's core-seconds.
        var calibrations = new KindCalibrations();
        var kinds = Jobs.Select(j => j.Kind).DistinctBy(k => k.Name).ToList();
        using (var calibrationExecutor = new ComputeExecutor(1))
        {
            var clock = Stopwatch.StartNew();
            await new CostCalibration(kinds, calibrations, calibrationExecutor, ThreadCpuTimeProvider.OrSystem, NullLogger.Instance).RunAsync(CancellationToken.None);
            yield return new Figure("calibration", string.Join(", ", kinds.Select(k => $"{k.Name} {Machine.Number(calibrations.For(k.Name).Factor, "0.000")}")),
                $"{Machine.Seconds(clock.Elapsed.TotalSeconds)} for all kinds (goal well under 1 s a kind)");
        }
        var priced = new ComputeKinds(kinds, calibrations);
        foreach (var (name, kind, input) in Jobs)
        {
            var json = JsonSerializer.SerializeToElement(input);
            await RunAsync(kind.Plan(json), threads); // warm-up
            Run? one = null;
            var all = double.MaxValue;
            for (var run = 0; run < options.Repeat; run++)
            {
                // A fresh plan each run: a plan's chunks share what the search has found so far.
                var single = await RunAsync(kind.Plan(json), 1);
                one = one is null ? single : one.Best(single);
                all = Math.Min(all, (await RunAsync(kind.Plan(json), threads)).Seconds);
            }

            var modelled = one!.ModelledEfficiency(threads);
            var model = kind.Plan(json).Estimate;
            var estimate = priced.Find(kind.Name)!.Plan(json).Estimate;
            var measured = one.ChunkSeconds.Sum() + one.TailSeconds;
            yield return new Figure(
                $"{name} estimate vs measured",
                $"estimate {Machine.Seconds(estimate.Expected.TotalSeconds)} (worst {Machine.Seconds(estimate.Worst.TotalSeconds)}), measured on one core {Machine.Seconds(measured)}",
                $"estimate/measured = {Machine.Number(estimate.Expected.TotalSeconds / measured)} (uncalibrated {Machine.Number(model.Expected.TotalSeconds / measured)}); worst/measured = {Machine.Number(estimate.Worst.TotalSeconds / measured)} " +
                "(goal 0.8–1.5 where every pixel or number costs what the model says; a render is priced at its worst view and a search's length is luck: there worst ≥ 1)");
            yield return new Figure(
                $"{name} parallel efficiency",
                $"T1 {Machine.Seconds(one.Seconds)}, T{threads} {Machine.Seconds(all)}, {one.ChunkSeconds.Length} chunks, tail {Machine.Seconds(one.TailSeconds)}",
                $"T1/({threads}×T{threads}) = {Machine.Number(one.Seconds / (threads * all))}; from chunk times {Machine.Number(modelled)} (goal ≥ 0.9)");
        }
    }

    /// <summary>Runs every chunk on an executor of <paramref name="threads"/> threads, then reduces and completes, as one invocation would.</summary>
    private static async Task<Run> RunAsync(IComputePlan plan, int threads)
    {
        using var executor = new ComputeExecutor(threads);
        var chunkSeconds = new double[plan.ChunkCount];
        var clock = Stopwatch.StartNew();
        var partials = await executor.ForEachAsync(0, plan.ChunkCount, i =>
        {
            var start = Stopwatch.GetTimestamp();
            var partial = plan.ComputeChunk(i, CancellationToken.None);
            chunkSeconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            return partial;
        }, plan.EndsSearch, CancellationToken.None, plan.ChunkCost);
        var computed = partials.TakeWhile(p => p is not null).Cast<BinaryData>().ToList();
        var tail = Stopwatch.StartNew();
        plan.Complete(plan.Reduce(computed));
        return new Run(clock.Elapsed.TotalSeconds, chunkSeconds[..computed.Count], tail.Elapsed.TotalSeconds);
    }

    /// <param name="ChunkSeconds">Each chunk's time, up to the one that ended a search.</param>
    /// <param name="TailSeconds">Reduce and complete after the last chunk.</param>
    private sealed record Run(double Seconds, double[] ChunkSeconds, double TailSeconds)
    {
        /// <summary>The faster run, with each chunk's and the tail's best time over both.</summary>
        public Run Best(Run other) => new(
            Math.Min(Seconds, other.Seconds),
            ChunkSeconds.Length == other.ChunkSeconds.Length ? ChunkSeconds.Zip(other.ChunkSeconds, Math.Min).ToArray() : ChunkSeconds,
            Math.Min(TailSeconds, other.TailSeconds));

        /// <summary>
        /// T1 / (P × TP) with both times from the chunk times: on one thread their sum; on <paramref name="threads"/>,
        /// each chunk in order goes to the worker that is free first, as they pull from the shared counter (chunks
        /// started past the end of a search stop when it ends, so they add nothing); the tail follows both.
        /// </summary>
        public double ModelledEfficiency(int threads)
        {
            var free = new double[threads];
            foreach (var seconds in ChunkSeconds)
            {
                var worker = Array.IndexOf(free, free.Min());
                free[worker] += seconds;
            }
            return (ChunkSeconds.Sum() + TailSeconds) / (threads * (free.Max() + TailSeconds));
        }
    }
}
