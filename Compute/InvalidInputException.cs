namespace Functions.Compute;

/// <summary>The job input is not acceptable; <see cref="Field"/> names the offending JSON path, for example <c>input.limit</c>.</summary>
public sealed class InvalidInputException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
