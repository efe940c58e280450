package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableMappingTest {

  @Test
  void defaultsToTheRestoredNamespaceWithTheSameName() {
    TableMapping m = TableMapping.of(List.of("shop:orders", "default:users"), Map.of());
    assertThat(m.target("shop:orders")).isEqualTo("restored:orders");
    assertThat(m.target("default:users")).isEqualTo("restored:users");
  }

  @Test
  void prefixesTheSourceNamespaceWhenTwoSourcesCollide() {
    TableMapping m =
        TableMapping.of(List.of("shop:orders", "billing:orders", "shop:users"), Map.of());
    assertThat(m.target("shop:orders")).isEqualTo("restored:shop_orders");
    assertThat(m.target("billing:orders")).isEqualTo("restored:billing_orders");
    assertThat(m.target("shop:users")).isEqualTo("restored:users");
  }

  @Test
  void explicitMappingsWinAndMustNotCollide() {
    Map<String, String> explicit =
        TableMapping.parse(
            List.of("shop:orders=archive:orders_0905", "billing:orders=restored:orders"));
    TableMapping m = TableMapping.of(List.of("shop:orders", "billing:orders"), explicit);
    assertThat(m.target("shop:orders")).isEqualTo("archive:orders_0905");
    assertThat(m.target("billing:orders")).isEqualTo("restored:orders");

    assertThatThrownBy(
            () ->
                TableMapping.of(
                    List.of("shop:orders", "shop:users"), Map.of("shop:users", "restored:orders")))
        .isInstanceOf(RestoreRefusedException.class)
        .hasMessageContaining("would both be restored into restored:orders");
    assertThatThrownBy(() -> TableMapping.parse(List.of("shop:orders")))
        .hasMessageContaining("not of the form source=target");
    assertThatThrownBy(() -> TableMapping.of(List.of("shop:orders"), Map.of("shop:typo", "x:y")))
        .hasMessageContaining("not among the tables being restored");
  }
}
