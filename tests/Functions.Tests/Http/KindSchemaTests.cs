using System.Text.Json.Nodes;
using System.Text.Json;
using Functions.Http;
using Functions.Jobs.Submit;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Http;

/// <summary>
/// Each kind's input schema in the OpenAPI document against the kind itself: its example is valid and accepted, and
/// what the schema refuses at a field's limits, type or absence, the app refuses too, naming that field.
/// </summary>
[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class KindSchemaTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private FunctionApp _app = null!;
    private NSwag.OpenApiDocument _document = null!;
    private JsonObject _json = null!;

    public async Task InitializeAsync()
    {
        _app = new FunctionApp(azurite.ConnectionString);
        await _app.ClearQueuesAsync();
        var text = (await _app.GetAsync(Routes.OpenApiPath)).Text;
        _json = JsonNode.Parse(text)!.AsObject();
        _document = await NSwag.OpenApiDocument.FromJsonAsync(text);
    }

    public async Task DisposeAsync()
    {
        // The accepted examples were canceled; their messages must not reach a later test's listener.
        await _app.ClearQueuesAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task KindExample_ValidatesAgainstItsSchema_AndIsAccepted()
    {
        var kinds = (await _app.GetAsync(Routes.KindsPath)).Json.EnumerateArray().ToList();
        Assert.NotEmpty(kinds);

        foreach (var kind in kinds)
        {
            var name = kind.GetProperty("name").GetString()!;
            var body = new JsonObject { ["kind"] = name, ["input"] = JsonNode.Parse(kind.GetProperty("example").GetRawText()) }.ToJsonString();

            Assert.Empty(Schema(name).Validate(body));
            Assert.Empty(_document.Components.Schemas["JobRequest"].Validate(body));
            var submit = await _app.PostJobAsync(body);
            Assert.True(submit.Status == 202, $"{name}'s example answered {submit.Status}: {submit.Text}");
            Assert.Equal(200, (await _app.DeleteAsync(Routes.JobPath(submit.Json.GetProperty("id").GetString()!))).Status);
        }
    }

    [Fact]
    public async Task KindSchema_RefusesWhatTheAppRefuses_NamingTheField()
    {
        var cases = 0;
        foreach (var kind in (await _app.GetAsync(Routes.KindsPath)).Json.EnumerateArray())
        {
            var name = kind.GetProperty("name").GetString()!;
            var example = JsonNode.Parse(kind.GetProperty("example").GetRawText())!.AsObject();
            foreach (var field in kind.GetProperty("input").EnumerateArray())
            {
                var fieldName = field.GetProperty("name").GetString()!;
                var integer = field.GetProperty("type").GetString() == "integer";
                var refused = new List<(string Why, Action<JsonObject> Change)>
                {
                    ("of another type", input => input[fieldName] = field.GetProperty("type").GetString() == "string" ? 5 : "5"),
                };
                if (integer) refused.Add(("not whole", input => input[fieldName] = 1.5));
                if (field.TryGetProperty("minimum", out var minimum))
                    refused.Add(("below its minimum", input => input[fieldName] = integer ? (long)minimum.GetDouble() - 1 : minimum.GetDouble() - 1));
                if (field.TryGetProperty("maximum", out var maximum))
                    refused.Add(("above its maximum", input => input[fieldName] = integer ? (long)maximum.GetDouble() + 1 : maximum.GetDouble() + 1));
                if (field.GetProperty("required").GetBoolean())
                    refused.Add(("missing", input => input.Remove(fieldName)));

                foreach (var (why, change) in refused)
                {
                    var input = (JsonObject)example.DeepClone();
                    change(input);
                    var body = new JsonObject { ["kind"] = name, ["input"] = input }.ToJsonString();

                    Assert.True(Schema(name).Validate(body).Count > 0, $"The schema of {name} allows {fieldName} {why}: {body}");
                    var answer = await _app.PostJobAsync(body);
                    Assert.True(answer.Status == 400, $"{name} with {fieldName} {why} answered {answer.Status}: {body}");
                    Assert.Equal($"input.{fieldName}", answer.Json.GetProperty("field").GetString());
                    cases++;
                }
            }
        }

        Assert.True(cases >= 10, $"Only {cases} cases: the kinds' descriptions lost their limits?");
    }

    /// <summary>A kind's job request schema, found as a client finds it: through the discriminator of the submit's body.</summary>
    private NJsonSchema.JsonSchema Schema(string kind)
    {
        var reference = _json["components"]!["schemas"]!["JobRequest"]!["discriminator"]!["mapping"]![kind]!.GetValue<string>();
        return _document.Components.Schemas[reference.Split('/')[^1]];
    }
}
