package io.akkaetcd.e2e;

import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link SideBySide} for a whole test class: started before its tests (and before its own
 * {@code @BeforeAll} methods), stopped after them. Register as a static {@code @RegisterExtension} field.
 */
final class SideBySideExtension implements BeforeAllCallback, AfterAllCallback {
  private final Map<String, Object> ourSettings;
  private final String[] etcdFlags;
  private SideBySide pair;

  SideBySideExtension(Map<String, Object> ourSettings, String... etcdFlags) {
    this.ourSettings = ourSettings;
    this.etcdFlags = etcdFlags;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    pair = SideBySide.start(ourSettings, etcdFlags);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  RealEtcd etcd() {
    return pair.etcd();
  }

  TestMember ours() {
    return pair.ours();
  }
}
