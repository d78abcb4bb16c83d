using Microsoft.Extensions.DependencyInjection;

namespace ForumCloud.Functions.Desk;

public static class DeskModule
{
    public static IServiceCollection AddDesk(this IServiceCollection services) => services.AddSingleton<DeskAssets>();
}
