namespace Functions.Compute;

/// <summary>The registered compute kinds, by name.</summary>
public sealed class ComputeKinds(IEnumerable<IComputeKind> kinds)
{
    private readonly Dictionary<string, IComputeKind> _byName = kinds.ToDictionary(k => k.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<IComputeKind> All => _byName.Values;

    public IComputeKind? Find(string name) => _byName.GetValueOrDefault(name);
}
