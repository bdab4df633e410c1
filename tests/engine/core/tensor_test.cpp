// Expected values: IEEE-754 half and bfloat16 bit patterns computed by hand (and checked with
// numpy's float16 / ml_dtypes conventions); float8 values from the ONNX spec's format tables.
#include <gtest/gtest.h>

#include <cmath>

#include "qwb/tensor.h"

using namespace qwb;

TEST(Tensor, HalfConversionsRoundTripKnownPatterns) {
  EXPECT_EQ(float_to_half(1.0f), 0x3c00);
  EXPECT_EQ(float_to_half(-2.0f), 0xc000);
  EXPECT_EQ(float_to_half(65504.0f), 0x7bff);      // largest finite half
  EXPECT_EQ(float_to_half(1e6f), 0x7c00);          // overflow -> inf
  EXPECT_EQ(float_to_half(5.960464477539063e-08f), 0x0001);  // smallest subnormal
  EXPECT_EQ(float_to_half(1.0009765625f), 0x3c01); // 1 + 2^-10
  EXPECT_EQ(float_to_half(1.00048828125f), 0x3c00); // tie 1 + 2^-11 rounds to even
  EXPECT_FLOAT_EQ(half_to_float(0x3555), 0.333251953125f);
  EXPECT_TRUE(std::isnan(half_to_float(0x7e00)));
}

TEST(Tensor, BFloat16RoundsToNearestEven) {
  EXPECT_EQ(float_to_bfloat16(1.0f), 0x3f80);
  EXPECT_EQ(float_to_bfloat16(3.14159f), 0x4049);
  EXPECT_FLOAT_EQ(bfloat16_to_float(0x4049), 3.140625f);
}

TEST(Tensor, Float8Formats) {
  EXPECT_FLOAT_EQ(float8e4m3fn_to_float(0x7e), 448.0f);   // e4m3fn max
  EXPECT_EQ(float_to_float8e4m3fn(1000.0f), 0x7e);        // saturates
  EXPECT_FLOAT_EQ(float8e5m2_to_float(0x7b), 57344.0f);   // e5m2 max
  EXPECT_EQ(float_to_float8e5m2(1e6f), 0x7b);
  EXPECT_FLOAT_EQ(float8e4m3fn_to_float(float_to_float8e4m3fn(0.5f)), 0.5f);
}

TEST(Tensor, ReshapeSharesBufferAndCloneCopies) {
  auto t = Tensor::from_vector<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor r = t.reshaped({3, 2});
  EXPECT_EQ(r.raw(), t.raw());
  Tensor c = t.clone();
  EXPECT_NE(c.raw(), t.raw());
  c.data<float>()[0] = 42;
  EXPECT_EQ(t.data<float>()[0], 1.0f);
}

TEST(Tensor, CastSaturatesAndTruncates) {
  auto t = Tensor::from_vector<float>({4}, {300.0f, -300.0f, 2.7f, -2.7f});
  Tensor i8 = t.cast(DType::kInt8);
  EXPECT_EQ(i8.data<int8_t>()[0], 127);
  EXPECT_EQ(i8.data<int8_t>()[1], -128);
  EXPECT_EQ(i8.data<int8_t>()[2], 2);
  EXPECT_EQ(i8.data<int8_t>()[3], -2);
}
