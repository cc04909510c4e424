using System.Text.Json;

namespace Functions.Compute;

/// <summary>A typed <see cref="IComputePlan"/>: kernels work with <typeparamref name="TPartial"/>, this class serializes it.</summary>
public abstract class ComputePlan<TPartial> : IComputePlan
{
    public abstract int ChunkCount { get; }

    public abstract TimeSpan ChunkCost { get; }

    public virtual WorkEstimate Estimate => WorkEstimate.Exactly(ChunkCost * ChunkCount);

    public abstract TPartial Compute(int index, CancellationToken cancellationToken);

    /// <summary>Combines two adjacent partials; <paramref name="earlier"/> covers the lower chunks. Must be associative.</summary>
    public abstract TPartial Combine(TPartial earlier, TPartial later);

    public virtual bool EndsSearch(TPartial partial) => false;

    public abstract ComputeOutput Complete(TPartial partial);

    public virtual BinaryData Serialize(TPartial partial) => BinaryData.FromObjectAsJson(partial, JsonSerializerOptions.Web);

    public virtual TPartial Deserialize(BinaryData data) =>
        data.ToObjectFromJson<TPartial>(JsonSerializerOptions.Web) ?? throw new InvalidDataException("Empty partial result.");

    BinaryData IComputePlan.ComputeChunk(int index, CancellationToken cancellationToken) => Serialize(Compute(index, cancellationToken));

    bool IComputePlan.EndsSearch(BinaryData partial) => EndsSearch(Deserialize(partial));

    BinaryData IComputePlan.Reduce(IReadOnlyList<BinaryData> partials)
    {
        if (partials.Count == 0) throw new ArgumentException("Nothing to reduce.", nameof(partials));
        var reduced = Deserialize(partials[0]);
        for (var i = 1; i < partials.Count; i++) reduced = Combine(reduced, Deserialize(partials[i]));
        return Serialize(reduced);
    }

    ComputeOutput IComputePlan.Complete(BinaryData partial) => Complete(Deserialize(partial));
}
