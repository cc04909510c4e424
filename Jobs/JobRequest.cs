using System.Text.Json;
using Functions.Compute;

namespace Functions.Jobs;

/// <summary>The body of <c>POST /api/jobs</c>: <c>{"kind":"primes","input":{"limit":10000000000}}</c>.</summary>
public sealed record JobRequest(string Kind, JsonElement Input)
{
    /// <summary>The input is stored in one table property, which holds at most 64 KiB (32 K UTF-16 characters).</summary>
    public const int MaxInputLength = 30_000;

    /// <summary>Parses a request body; throws <see cref="InvalidInputException"/> naming the field at fault.</summary>
    public static JobRequest Parse(ReadOnlyMemory<byte> body)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidInputException("body", $"The body is not valid JSON: {e.Message}");
        }

        if (!IsText(root))
            throw new InvalidInputException("body", "The body holds an escaped lone surrogate (such as \\ud800), which is not text.");
        if (root.ValueKind != JsonValueKind.Object)
            throw new InvalidInputException("body", "The body must be a JSON object with 'kind' and 'input'.");
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is not ("kind" or "input"))
                throw new InvalidInputException(property.Name, $"Unknown field '{property.Name}'; a job has 'kind' and 'input'.");
        }

        if (!root.TryGetProperty("kind", out var kind) || kind.ValueKind == JsonValueKind.Null)
            throw new InvalidInputException("kind", "'kind' is required.");
        if (kind.ValueKind != JsonValueKind.String)
            throw new InvalidInputException("kind", "'kind' must be a string.");
        if (!root.TryGetProperty("input", out var input) || input.ValueKind == JsonValueKind.Null)
            throw new InvalidInputException("input", "'input' is required.");
        if (input.ValueKind != JsonValueKind.Object)
            throw new InvalidInputException("input", "'input' must be a JSON object.");
        if (input.GetRawText().Length > MaxInputLength)
            throw new InvalidInputException("input", $"'input' must be at most {MaxInputLength} characters of JSON.");
        return new JobRequest(kind.GetString()!, input);
    }

    /// <summary>
    /// False when a name or string holds an escaped lone surrogate ("\ud800"): valid JSON but no text, and reading it
    /// throws InvalidOperationException wherever it is read later (here, in a kind, in an error message).
    /// </summary>
    private static bool IsText(JsonElement element)
    {
        try
        {
            return element.ValueKind switch
            {
                JsonValueKind.String => element.GetString() is not null,
                JsonValueKind.Object => element.EnumerateObject().All(property => property.Name is not null && IsText(property.Value)),
                JsonValueKind.Array => element.EnumerateArray().All(IsText),
                _ => true,
            };
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
