/* The MobileNetV2 bottleneck layer of the three bottleneck programs and of
 * their host reference: the 28 x 28 x 32 blocks of MobileNetV2 (224 x 224
 * input; Sandler et al., CVPR 2018, Table 2: expansion t = 6, stride 1,
 * residual), int8:
 *   E = ReLU6(requant(adc(X * W1)))     1x1 expansion, 32 -> 192 channels (IMA)
 *   D = ReLU6(requant(dw3x3(E, W2)))    3x3 depthwise, pad 1 (cores or accelerator)
 *   Y = add(requant(adc(D * W3)), X)    1x1 linear projection, 192 -> 32, residual
 * adc() is the IMA's (ima_numerics.h, 8-bit ADC, a per-layer shift) so that
 * every version computes the same codes; requant is dw_requant()
 * (dwconv_numerics.h, per-channel bias, multiplier and shift); add is
 * nm_add() (numerics.h). Feature maps are HWC. */
#ifndef BOTTLENECK_LAYER_H
#define BOTTLENECK_LAYER_H

#define BN_H 28
#define BN_W 28
#define BN_PIX (BN_H * BN_W)
#define BN_CIN 32
#define BN_CEXP 192
#define BN_COUT 32
#define BN_ADC_BITS 8
#define BN_SH1 6      /* ADC shift of the expansion */
#define BN_SH3 7      /* ADC shift of the projection */
#define BN_RELU6 96   /* the code of 6.0 (activation scale 1/16) */

/* Crossbar placement: W1 at rows [0, 32), columns [0, 192); W3 at rows
 * [32, 224), columns [192, 224): one 256 x 256 IMA holds both. */
#define BN_W1_ROW0 0
#define BN_W1_COL0 0
#define BN_W3_ROW0 32
#define BN_W3_COL0 192

#endif /* BOTTLENECK_LAYER_H */
