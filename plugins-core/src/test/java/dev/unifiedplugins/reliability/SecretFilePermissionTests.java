package dev.unifiedplugins.reliability;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.shutdown.ManagedProcessLedger;
import dev.unifiedplugins.testsupport.ChildProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Configurations hold secrets, so what the library creates is readable by its owner only:
 * the config directory and the history's directories 0700, config files, history entries and
 * the process state file 0600, where the file system supports POSIX permissions.
 */
class SecretFilePermissionTests {

	@TempDir
	Path root;

	private final ChildProcesses processes = new ChildProcesses();

	@BeforeEach
	void needsPosix() {
		assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
				"the file system has POSIX permissions");
	}

	@AfterEach
	void killChildren() {
		this.processes.killAll();
	}

	@Test
	void createdConfigDirIsOwnerOnly() throws Exception {
		Path dir = this.root.resolve("app/configs");
		new FileSystemPluginConfigStore(dir);
		assertThat(permissions(dir)).isEqualTo("rwx------");
		assertThat(permissions(dir.getParent())).isEqualTo("rwx------");
	}

	@Test
	void savedConfigFileIsOwnerReadWriteOnly() throws Exception {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.root.resolve("configs"));
		registry.savePluginConfig("llm_gpt", Map.of("api_key", "sk-live-123"));
		assertThat(permissions(this.root.resolve("configs/llm_gpt.json"))).isEqualTo("rw-------");
	}

	@Test
	void overwritingAWorldReadableConfigMakesItOwnerOnly() throws Exception {
		Path dir = Files.createDirectory(this.root.resolve("configs"));
		Path file = Files.writeString(dir.resolve("llm_gpt.json"), "{\"api_key\": \"old\"}");
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

		new FileSystemPluginConfigStore(dir).save("llm_gpt", Map.of("api_key", "new"));

		assertThat(permissions(file)).isEqualTo("rw-------");
	}

	@Test
	void historyDirectoriesAndEntriesAreOwnerOnly() throws Exception {
		Path dir = this.root.resolve("configs");
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(dir);
		store.save("llm_gpt", Map.of("api_key", "sk-live-123"));
		store.save("llm_gpt", Map.of("api_key", "sk-live-456"));
		store.delete("llm_gpt");

		Path history = dir.resolve(".history");
		assertThat(permissions(history)).isEqualTo("rwx------");
		assertThat(permissions(history.resolve("llm_gpt"))).isEqualTo("rwx------");
		List<Path> entries;
		try (var files = Files.list(history.resolve("llm_gpt"))) {
			entries = files.toList();
		}
		assertThat(entries).hasSize(3);
		for (Path entry : entries) {
			assertThat(permissions(entry)).as(entry.getFileName().toString()).isEqualTo("rw-------");
		}
	}

	@Test
	void processStateFileIsOwnerReadWriteOnly() throws Exception {
		ManagedProcessLedger ledger = new ManagedProcessLedger(this.root.resolve("configs"));
		ledger.record(List.of(this.processes.startSleep().pid()));
		assertThat(permissions(ledger.getFile())).isEqualTo("rw-------");
		assertThat(permissions(this.root.resolve("configs"))).isEqualTo("rwx------");
	}

	private static String permissions(Path path) throws Exception {
		return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
	}

}
