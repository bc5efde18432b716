namespace XQueue.Functions.Legacy;

/// <summary>
/// The legacy envelope <c>{"return_code": 0|1, "content": …}</c>, byte for byte as the original writes it.
/// Application errors are HTTP 200 with return_code 1, as both real clients expect. Served as
/// application/json rather than the original's text/html: neither client reads the type, and learner
/// text in an error string must never be rendered as HTML.
/// </summary>
public static class LegacyReply
{
    public const string ContentType = "application/json; charset=utf-8";

    public static IResult Success(string content) => Write(0, content);

    public static IResult Success(int content) => Write(0, content);

    public static IResult Error(string content, int statusCode = StatusCodes.Status200OK) => Write(1, content, statusCode);

    public static string Body(int returnCode, object content) =>
        PythonJson.Dumps(("return_code", returnCode), ("content", content));

    static IResult Write(int returnCode, object content, int statusCode = StatusCodes.Status200OK) =>
        Results.Content(Body(returnCode, content), ContentType, statusCode: statusCode);
}
