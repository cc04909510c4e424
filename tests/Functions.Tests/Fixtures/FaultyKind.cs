using System.Text.Json;
using Functions.Compute;

namespace Functions.Tests.Fixtures;

/// <summary>A test-only kind whose chunks throw for the first <c>failures</c> attempts: the fault the queue must survive.</summary>
public sealed class FaultyKind : IComputeKind
{
    private int _attempts;

    public string Name => "faulty";

    public int Attempts => Volatile.Read(ref _attempts);

    public KindDescription Description { get; } = new("faulty", "Fails, for tests.", [new InputField("failures", "integer", "Attempts that fail.")], new { failures = 1 },
        "A millisecond.", "failures");

    public IComputePlan Plan(JsonElement input) => new FaultyPlan(this, (int)JobInput.Integer(input, "failures", 0, int.MaxValue));

    private sealed class FaultyPlan(FaultyKind kind, int failures) : ComputePlan<int[]>
    {
        public override int ChunkCount => 1;

        public override TimeSpan ChunkCost => TimeSpan.FromMilliseconds(1);

        public override int[] Compute(int index, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref kind._attempts) <= failures ? throw new InvalidOperationException("injected fault") : [42];

        public override int[] Combine(int[] earlier, int[] later) => [.. earlier, .. later];

        public override ComputeOutput Complete(int[] partial) => ComputeOutput.Json(new { answer = partial.Sum() });
    }
}
