using System.Collections.Concurrent;

namespace Functions.Compute;

/// <summary>Each kind's calibration on this instance, by kind name; <see cref="KindCalibration.Pending"/> until it is set.</summary>
public sealed class KindCalibrations
{
    private readonly ConcurrentDictionary<string, KindCalibration> _byKind = new(StringComparer.Ordinal);

    public KindCalibration For(string kind) => _byKind.GetValueOrDefault(kind, KindCalibration.Pending);

    internal void Set(string kind, KindCalibration calibration) => _byKind[kind] = calibration;
}
