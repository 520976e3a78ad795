namespace MedInsure.Functions.OpenApi;

// What the OpenAPI document says about an HTTP function beyond its [HttpTrigger] (route, methods, auth level) and its
// return type (the Ok<T> schema): the generator reads these declarations, so the document cannot drift from the code.

/// <summary>Summary, group and description of an HTTP function; every HTTP function has one.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ApiOperationAttribute(string tag, string summary) : Attribute
{
    public string Tag { get; } = tag;

    public string Summary { get; } = summary;

    public string? Description { get; init; }

    /// <summary>Problem responses the function itself answers (400, 404, …); 401, 500 and 503 follow from the auth level and <see cref="UsesStorage"/>.</summary>
    public int[] Problems { get; init; } = [];

    /// <summary>Reads or writes storage, so it answers 503 while storage is unreachable.</summary>
    public bool UsesStorage { get; init; } = true;

    /// <summary>Sends an ETag and answers 304 to a matching If-None-Match.</summary>
    public bool ConditionalGet { get; init; }

    /// <summary>The 200 response's JSON type, for functions whose return type cannot say it (a conditional GET returns bytes or 304).</summary>
    public Type? Returns { get; init; }
}

/// <summary>The query parameters: the public properties of a request record, with their [Description] and [Range].</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ApiQueryAttribute(Type parameters) : Attribute
{
    public Type Parameters { get; } = parameters;
}

/// <summary>A route parameter's description (the route template gives its name).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
internal sealed class ApiRouteParameterAttribute(string name, string description) : Attribute
{
    public string Name { get; } = name;

    public string Description { get; } = description;
}

/// <summary>The JSON request body.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ApiBodyAttribute(Type type) : Attribute
{
    public Type Type { get; } = type;
}

/// <summary>A response that is not JSON from Ok&lt;T&gt;: a page, a script, a CSV file.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
internal sealed class ApiContentAttribute(string contentType, string description) : Attribute
{
    public string ContentType { get; } = contentType;

    public string Description { get; } = description;

    public int Status { get; init; } = 200;
}
