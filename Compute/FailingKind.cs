using System.Text.Json;

namespace Functions.Compute;

/// <summary>
/// failing: every chunk throws, on every attempt, so its message goes through the host's retries to the poison queue
/// and the job ends failed with retries-exhausted. Registered only with <c>Compute__TestKinds=true</c>, for the
/// end-to-end tests; absent from <c>GET /api/kinds</c> and the OpenAPI document otherwise.
/// </summary>
public sealed class FailingKind : IComputeKind
{
    public string Name => "failing";

    public KindDescription Description { get; } = new(
        "failing",
        "Fails on every attempt; for tests of the retries and the poison queue.",
        [new InputField("chunks", "integer", "How many chunks, each of which fails.", Minimum: 1, Maximum: 10)],
        new { chunks = 1 },
        "A millisecond per chunk.",
        "chunks");

    public IComputePlan Plan(JsonElement input) => new FailingPlan((int)JobInput.Integer(input, "chunks", 1, 10));

    private sealed class FailingPlan(int chunks) : ComputePlan<int[]>
    {
        public override int ChunkCount => chunks;

        public override TimeSpan ChunkCost => TimeSpan.FromMilliseconds(1);

        public override int[] Compute(int index, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"The failing kind fails every attempt (chunk {index}).");

        public override int[] Combine(int[] earlier, int[] later) => [.. earlier, .. later];

        public override ComputeOutput Complete(int[] partial) => ComputeOutput.Json(new { chunks = partial.Length });
    }
}
