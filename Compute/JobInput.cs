using System.Text.Json;

namespace Functions.Compute;

/// <summary>Reads typed fields from a job's <c>input</c> object, naming the field in every error.</summary>
public static class JobInput
{
    public static long Integer(JsonElement input, string name, long minimum, long maximum, long? fallback = null)
    {
        var field = $"input.{name}";
        if (!TryGet(input, name, out var value))
            return fallback ?? throw new InvalidInputException(field, $"'{field}' is required.");
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
            throw new InvalidInputException(field, $"'{field}' must be an integer.");
        if (number < minimum || number > maximum)
            throw new InvalidInputException(field, $"'{field}' must be between {minimum} and {maximum}.");
        return number;
    }

    public static double Number(JsonElement input, string name, double minimum, double maximum, double? fallback = null)
    {
        var field = $"input.{name}";
        if (!TryGet(input, name, out var value))
            return fallback ?? throw new InvalidInputException(field, $"'{field}' is required.");
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
            throw new InvalidInputException(field, $"'{field}' must be a number.");
        if (number < minimum || number > maximum)
            throw new InvalidInputException(field, $"'{field}' must be between {minimum} and {maximum}.");
        return number;
    }

    public static string String(JsonElement input, string name, int maxLength, string? fallback = null)
    {
        var field = $"input.{name}";
        if (!TryGet(input, name, out var value))
            return fallback ?? throw new InvalidInputException(field, $"'{field}' is required.");
        if (value.ValueKind != JsonValueKind.String)
            throw new InvalidInputException(field, $"'{field}' must be a string.");
        string text;
        try
        {
            text = value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate such as "\ud800" is valid JSON but no text.
            throw new InvalidInputException(field, $"'{field}' must be valid Unicode text.");
        }
        if (text.Length > maxLength)
            throw new InvalidInputException(field, $"'{field}' must be at most {maxLength} characters.");
        return text;
    }

    private static bool TryGet(JsonElement input, string name, out JsonElement value)
    {
        if (input.ValueKind != JsonValueKind.Object)
            throw new InvalidInputException("input", "'input' must be a JSON object.");
        return input.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }
}
