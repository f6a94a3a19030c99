package account

import (
	"strings"
	"unicode"
)

// commonPasswords are passwords (8 characters or longer, lower-cased) that
// top the published lists of leaked passwords, worldwide and in China. A
// password equal to one of them, or to the username, or made of one
// repeated character or a plain run of digits or keyboard letters, is
// refused.
var commonPasswords = map[string]bool{}

func init() {
	for _, p := range strings.Fields(`
		password password1 password12 password123 passw0rd p@ssw0rd p@ssword iloveyou
		12345678 123456789 1234567890 0123456789 11111111 111111111 00000000 88888888
		66666666 99999999 12341234 11223344 12344321 87654321 98765432 123123123
		qwertyui qwertyuiop 1qaz2wsx 1q2w3e4r 1q2w3e4r5t qazwsxedc zaq12wsx asdfghjk
		asdfghjkl zxcvbnm1 abcd1234 abc12345 abcdefgh a1234567 a12345678 a123456789
		aa123456 aa12345678 qq123456 woaini1314 woaini520 5201314520 1314520520 woaini123
		iloveyou1 sunshine princess football baseball welcome1 welcome123 admin123
		administrator admin1234 adminadmin letmein1 monkey123 dragon123 trustno1
		superman starwars whatever computer internet changeme changeme123 default1
		yinling123 yinling2026 xjtu1234 xjtu123456 qwer1234 1qazxsw2 q1w2e3r4 1a2b3c4d
		zhang123 wang1234 li123456 888888888 147258369 159753123 a5201314 woshishui
		`) {
		commonPasswords[p] = true
	}
}

// weakPassword reports why a password is too easy to guess, or "".
func weakPassword(pw, username string) string {
	low := strings.ToLower(pw)
	switch {
	case commonPasswords[low]:
		return "is one of the most common passwords; choose another"
	case username != "" && strings.Contains(low, strings.ToLower(username)) && len([]rune(pw)) < len([]rune(username))+6:
		return "is too close to the username"
	case oneCharacter(pw):
		return "repeats one character; choose another"
	case sequential(low):
		return "is a plain run of digits or letters; choose another"
	}
	return ""
}

func oneCharacter(s string) bool {
	r := []rune(s)
	for _, c := range r {
		if c != r[0] {
			return false
		}
	}
	return true
}

// sequential reports runs like 12345678, 87654321 or abcdefgh.
func sequential(s string) bool {
	r := []rune(s)
	if len(r) < 2 {
		return true
	}
	step := r[1] - r[0]
	if step != 1 && step != -1 {
		return false
	}
	for i := 1; i < len(r); i++ {
		if r[i]-r[i-1] != step || !(unicode.IsDigit(r[i]) || unicode.IsLetter(r[i])) {
			return false
		}
	}
	return true
}
