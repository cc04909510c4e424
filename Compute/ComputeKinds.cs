namespace Functions.Compute;

/// <summary>The registered compute kinds, by name, each priced in this instance's core-seconds (<see cref="KindCalibrations"/>).</summary>
public sealed class ComputeKinds(IEnumerable<IComputeKind> kinds, KindCalibrations calibrations)
{
    private readonly Dictionary<string, IComputeKind> _byName =
        kinds.ToDictionary(k => k.Name, k => (IComputeKind)new CalibratedKind(k, calibrations), StringComparer.Ordinal);

    /// <summary>Every kind, each priced with its calibration factor.</summary>
    public IReadOnlyCollection<IComputeKind> All => _byName.Values;

    public IComputeKind? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The kind named <paramref name="name"/>; <see cref="InvalidInputException"/> on field <c>kind</c> when there is none.</summary>
    public IComputeKind Get(string name) => Find(name) ?? throw new InvalidInputException(
        "kind", $"Unknown kind '{name}'. Known kinds: {string.Join(", ", _byName.Keys.Order(StringComparer.Ordinal))}.");
}
