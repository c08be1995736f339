using ConsumersApp;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddConsumers();                                        // the runtime; also puts UseWebSockets() in the pipeline
builder.Services.AddDbContext<TodoDb>((sp, o) => o
    .UseSqlite(sp.GetRequiredService<IConfiguration>().GetConnectionString("Todo") ?? "Data Source=todo.db")
    .AddModelObservers(sp));                                            // saved changes reach the [ModelObserver]s

var app = builder.Build();
using (var scope = app.Services.CreateScope())
{
    scope.ServiceProvider.GetRequiredService<TodoDb>().Database.EnsureCreated();
}

app.UseDefaultFiles();
app.UseStaticFiles();                                                   // wwwroot/index.html
app.MapConsumer<TodoConsumer>("/ws/todos");                             // ws://localhost:5000/ws/todos
app.MapConsumersClient();                                               // /consumers/client.js and client.d.ts
app.MapAsyncApi();                                                      // /consumers/asyncapi.json
app.Run();
