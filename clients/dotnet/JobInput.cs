using System.Text.Json.Serialization;

namespace ComputeFunctions.Client;

/// <summary>
/// The input of a job of a kind the client knows, tied to the type of its result: <see cref="PrimesInput"/>,
/// <see cref="MandelbrotInput"/>, <see cref="HashSearchInput"/>. Its properties are sent as the job's <c>input</c>
/// (camelCase, nulls left out, so the server's defaults apply). For other kinds, submit a kind name and raw JSON.
/// </summary>
/// <typeparam name="TResult">What the job's result reads as.</typeparam>
public abstract record JobInput<TResult>
{
    /// <summary>An input for jobs of <paramref name="kind"/>.</summary>
    protected JobInput(string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        Kind = kind;
    }

    /// <summary>The kind's name, sent as the job's <c>kind</c>.</summary>
    [JsonIgnore]
    public string Kind { get; }
}
