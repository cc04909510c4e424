namespace Functions.Storage;

/// <summary>
/// The limits of Azure Table storage (Azurite enforces the same), from which the store decides what fits in a row and
/// what goes to a blob, and the API derives the largest input it accepts.
/// </summary>
internal static class TableLimits
{
    /// <summary>The largest string or binary property.</summary>
    public const int MaxPropertyBytes = 64 * 1024;

    /// <summary>Strings are stored as UTF-16: the longest string property in .NET characters.</summary>
    public const int MaxStringLength = MaxPropertyBytes / sizeof(char);

    /// <summary>The most operations in one entity-group transaction, and the most entities in one query page.</summary>
    public const int MaxBatch = 100;
}
