namespace Chat;

/// <summary>The pages that are not plain static files.</summary>
public static class ChatPages
{
    /// <summary><c>/chat/{room}/</c>: the room page (its script reads the room from the path; the user is the signed-in one).</summary>
    public static Task RoomPage(HttpContext context)
    {
        var file = Path.Combine(context.RequestServices.GetRequiredService<IWebHostEnvironment>().WebRootPath, "room.html");
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.SendFileAsync(file);
    }
}
