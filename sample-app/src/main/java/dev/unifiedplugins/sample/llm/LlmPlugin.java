package dev.unifiedplugins.sample.llm;

/**
 * A plugin of the {@code llm} category. The category is a ready-made plugin system
 * declared in {@code application.yml} ({@code plugins.systems.llm.type}): every bean that
 * implements this interface is one of its plugins, described by its
 * {@link dev.unifiedplugins.systems.PluginInfo} and loaded at start.
 */
public interface LlmPlugin {

}
