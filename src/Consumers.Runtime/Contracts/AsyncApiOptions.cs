namespace Consumers.Contracts;

/// <summary>The <c>info</c> object of the AsyncAPI document served by <c>MapAsyncApi()</c>.</summary>
public sealed class AsyncApiOptions
{
    /// <summary>The API's title (<c>info.title</c>). Default: the application name of the host environment.</summary>
    public string? Title { get; set; }

    /// <summary>The API's version (<c>info.version</c>), free text. Default <c>1.0.0</c>.</summary>
    public string Version { get; set; } = "1.0.0";

    /// <summary>A description of the API (<c>info.description</c>, CommonMark), or null.</summary>
    public string? Description { get; set; }
}
