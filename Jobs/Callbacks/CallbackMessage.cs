using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Functions.Jobs.Callbacks;

/// <summary>A message on the callbacks queue: deliver the callback of this finished job, if it is still due.</summary>
public sealed record CallbackMessage(string JobId)
{
    public string ToJson() => JsonSerializer.Serialize(this, JobJson.Options);

    public static bool TryParse(string text, [NotNullWhen(true)] out CallbackMessage? message)
    {
        message = null;
        try
        {
            message = JsonSerializer.Deserialize<CallbackMessage>(text, JobJson.Options);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }

        if (message is null || !JobIds.IsWellFormed(message.JobId)) message = null;
        return message is not null;
    }
}
