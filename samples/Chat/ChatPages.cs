namespace Chat;

/// <summary>The pages that are not plain static files.</summary>
public static class ChatPages
{
    /// <summary><c>/chat/{room}/</c>: the room page (its script reads the room from the path; the user is the signed-in one).</summary>
    public static Task RoomPage(HttpContext context) => SendPage(context, "room.html");

    /// <summary>
    /// <c>/channels/{room}/</c>: the Django Channels tutorial's room page over the plain JSON consumer at
    /// <c>/ws/chat/{room_name}</c> (its script reads the room from the path; the user is the signed-in one).
    /// </summary>
    public static Task ChannelsPage(HttpContext context) => SendPage(context, "channels.html");

    private static Task SendPage(HttpContext context, string name)
    {
        var file = Path.Combine(context.RequestServices.GetRequiredService<IWebHostEnvironment>().WebRootPath, name);
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.SendFileAsync(file);
    }
}
