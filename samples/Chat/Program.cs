using Chat;

var builder = WebApplication.CreateSlimBuilder(args);
// Consumers:GroupLayer = InMemory (default) or Nats, with Consumers:Nats:Url: see appsettings.json and build/run-chat.sh --nats.
builder.Services.AddConsumers(builder.Configuration);

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapConsumer<RoomConsumer>("/ws/rooms");
app.MapConsumers("/ws", streams => streams.Add<RoomConsumer>("rooms"));
app.Run();
