using Chat;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddConsumers();

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapConsumer<RoomConsumer>("/ws/rooms");
app.MapConsumers("/ws", streams => streams.Add<RoomConsumer>("rooms"));
app.Run();
