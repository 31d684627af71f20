package dev.unifiedplugins.systems;

/**
 * A test plugin whose name is not a legal id: left out of its category, alone.
 */
@PluginInfo(name = "bad name")
public class BadNameGreeter implements GreeterPlugin {

	@Override
	public String greet(String who) {
		return who;
	}

}
