using System.Text.Json;

namespace Functions.Jobs.Submit;

/// <summary>What a caller asks for: <c>{"kind":"primes","input":{"limit":10000000000}}</c>, optionally with a callback.</summary>
public sealed record JobRequest(string Kind, JsonElement Input, CallbackRequest? Callback = null);
