using System.Text.Json.Nodes;

namespace Functions.Http;

internal sealed partial class ApiSchemas
{
    /// <summary>
    /// The optional callback of a submit, and the request it makes: OpenAPI 3.0 has no webhooks, so the event is a
    /// named schema that the callback's description points at.
    /// </summary>
    private JsonObject Callback()
    {
        string[] ends = ["succeeded", "failed", "canceled"];
        Named("CallbackEvent", new JsonObject
        {
            ["type"] = "object",
            ["description"] = "The body of a callback: POST, Content-Type application/cloudevents+json, a CloudEvents 1.0 event " +
                "signed the Standard Webhooks way (headers webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 " +
                "of id.timestamp.body>). Any 2xx acknowledges it; anything else is retried with the same id.",
            ["properties"] = new JsonObject
            {
                ["specversion"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("1.0") },
                ["type"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. ends.Select(e => (JsonNode)("compute.job." + e))]) },
                ["source"] = new JsonObject { ["type"] = "string" },
                ["id"] = new JsonObject { ["type"] = "string", ["description"] = "The webhook-id: one per job end, the same on every retry." },
                ["subject"] = new JsonObject { ["type"] = "string", ["description"] = "The job's id." },
                ["time"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
                ["datacontenttype"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("application/json") },
                ["data"] = Ref(typeof(JobView)),
            },
            ["required"] = new JsonArray("specversion", "type", "source", "id", "subject", "time", "datacontenttype", "data"),
        });
        return Named("CallbackRequest", new JsonObject
        {
            ["type"] = "object",
            ["description"] = "Call this URL back when the job ends (the CallbackEvent schema): at least once, signed, retried for up to a day.",
            ["properties"] = new JsonObject
            {
                ["url"] = new JsonObject { ["type"] = "string", ["description"] = "An absolute https URL.", ["maxLength"] = 2048 },
                ["events"] = new JsonObject
                {
                    ["type"] = "array",
                    ["minItems"] = 1,
                    ["items"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. ends.Select(e => (JsonNode)e)]) },
                    ["description"] = "The ends to call back for; all three when left out.",
                },
            },
            ["required"] = new JsonArray("url"),
            ["additionalProperties"] = false,
        });
    }
}
