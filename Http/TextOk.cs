using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Functions.Http;

/// <summary>200 with a text body of the given content type.</summary>
public sealed class TextOk(string text, string contentType, Encoding? encoding = null) : ApiResult<TextOk>, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    public string Text => text;

    public int? StatusCode => StatusCodes.Status200OK;

    protected override IResult Body => Results.Text(text, contentType, encoding);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/plain"]));
}
