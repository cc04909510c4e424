using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Functions.Http;

/// <summary>200 with stored content of its own content type, such as a kind's image.</summary>
public sealed class BytesOk(ReadOnlyMemory<byte> content, string contentType) : ApiResult<BytesOk>, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    public int? StatusCode => StatusCodes.Status200OK;

    protected override IResult Body => Results.Bytes(content, contentType);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(byte[]), ["application/octet-stream"]));
}
