// The config vocabulary (ConfigNode, ConfigSchema, ConfigView, RecipeError, ...) is part of the
// recipe API: every client of GardenRecipes reads and builds recipes with it.
@_exported import GardenConfig
