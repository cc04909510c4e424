using Functions.Bench;
using Functions.Bench.App;
using Functions.Bench.Kinds;
using Functions.Bench.Primes;

// dotnet run -c Release --project bench -- [benchmark ...] [--repeat N]
// Without a benchmark name every listed benchmark runs. Each prints one line per figure, as a ratio to its goal or
// to a reference measured in the same run.
Benchmark[] benchmarks =
[
    new("primes", "π(10^10): single-thread and all-thread time vs primesieve, parallel efficiency", PrimesBenchmark.RunAsync),
    new("primes-memory", "π(10^12) in a child process: peak working set", PrimesMemoryBenchmark.RunAsync),
    new("primes-large", "π(10^11), π(10^12) and the top 10^11 numbers below 10^13 on all threads vs primesieve, best and worst of N", PrimesLargeBenchmark.RunAsync),
    new("primes-stages", "where the time goes: stage timers over 2·10^9 numbers below 10^10 … 10^13 vs primesieve", PrimesStagesBenchmark.RunAsync),
    new("kinds", "parallel efficiency of every kind", KindsBenchmark.RunAsync),
    new("hello", "GET /api/hello latency p50/p99: idle, every core computing on the executor at each Compute__Priority, and on the thread pool", HelloLatencyBenchmark.RunAsync),
    new("priority", "π(10^10) on every core at Compute__Priority idle vs normal, nothing else running", ComputePriorityBenchmark.RunAsync),
    new("burst", "1000, 300, then 3000 keyed submits at once through the app, refusals resent: accepted/s vs the raw storage writes, CPU per job", SubmitBurstBenchmark.RunAsync),
    new("overhead", "submit-to-result of a trivial job on Azurite vs the raw storage operations it needs", SubmitOverheadBenchmark.RunAsync),
    new("tracing", "trivial jobs through the app with spans exported over OTLP, and with the endpoint down, vs untraced", TracingOverheadBenchmark.RunAsync),
];

var options = BenchOptions.Parse(args);
if (options.ChildCommand is { } child) return await ChildProcess.RunAsync(child);
var selected = options.Names.Count == 0 ? benchmarks : benchmarks.Where(b => options.Names.Contains(b.Name)).ToArray();
var unknown = options.Names.Except(benchmarks.Select(b => b.Name)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"Unknown benchmark {string.Join(", ", unknown)}. Known: {string.Join(", ", benchmarks.Select(b => b.Name))}.");
    return 2;
}

if (Machine.KernelsUnoptimized()) Console.WriteLine("# warning: the kernels are a Debug build; run with -c Release");
Console.WriteLine($"# {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, best of {options.Repeat}, load average {Machine.LoadAverage()}");
foreach (var benchmark in selected)
{
    await foreach (var figure in benchmark.Run(options)) Console.WriteLine(figure);
}
return 0;
